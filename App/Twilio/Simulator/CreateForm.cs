namespace App.Twilio.Simulator;

/// <summary>
/// The form of an authenticated create request (Messages.json, Calls.json), repeated keys kept in order, and the tenant
/// whose account it authenticated as. <see cref="To"/> and <see cref="From"/> are what every create names.
/// </summary>
internal sealed class CreateForm(string tenantId, IReadOnlyList<KeyValuePair<string, string>> fields)
{
    public string TenantId { get; } = tenantId;

    /// <summary>A field's (first) value, trimmed; null when it is missing or blank.</summary>
    public string? this[string name] =>
        fields.FirstOrDefault(p => p.Key == name).Value is { } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

    public string? To => this["To"];

    public string? From => this["From"];

    /// <summary>A field's first value exactly as sent (a message body keeps its spaces); null when it is missing.</summary>
    public string? AsSent(string name) => fields.FirstOrDefault(p => p.Key == name).Value;

    /// <summary>Every value of a repeated field, trimmed.</summary>
    public IReadOnlyList<string> All(string name) => [.. fields.Where(p => p.Key == name).Select(p => p.Value.Trim())];

    /// <summary>The decoded form of a POST (no fields when the body is not a form).</summary>
    public static async Task<CreateForm> ReadAsync(string tenantId, HttpRequest request, CancellationToken cancellationToken)
    {
        if (!request.HasFormContentType) return new CreateForm(tenantId, []);
        var form = await request.ReadFormAsync(cancellationToken);
        return new CreateForm(tenantId, [.. form.SelectMany(field => field.Value.Select(value => new KeyValuePair<string, string>(field.Key, value ?? "")))]);
    }
}
