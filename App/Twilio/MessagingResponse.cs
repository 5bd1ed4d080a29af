namespace App.Twilio;

/// <summary>
/// Messaging TwiML. With no message it writes the empty <c>&lt;Response/&gt;</c> used to acknowledge a webhook
/// without replying.
/// </summary>
public sealed class MessagingResponse
{
    private readonly List<TwimlVerb> _verbs = [];

    public MessagingResponse Message(string text)
    {
        _verbs.Add(new MessageVerb(text));
        return this;
    }

    public string ToXml() => TwimlText.WriteDocument(writer => Verbs.WriteResponse(writer, _verbs));

    public override string ToString() => ToXml();
}
