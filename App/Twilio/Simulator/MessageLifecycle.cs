using System.Globalization;
using Microsoft.Extensions.Options;

namespace App.Twilio.Simulator;

/// <summary>
/// Drives a created message as Twilio would: (accepted →) queued → sending → sent → delivered, or the failure paths
/// of <see cref="MagicNumbers"/>, one step every <see cref="SimulatorOptions.StepDelayMs"/>. After each change it posts a
/// signed status callback (see docs/twilio.md, "Status callbacks") to the message's <c>StatusCallback</c>; none for the initial status.
/// </summary>
public sealed class MessageLifecycle(
    SimulatorEngine engine, SimulatorLedger ledger, SimulatorHttp http, SimulatedAccounts accounts, IOptions<SimulatorOptions> options)
{
    public void Start(string sid, string tenantId, string? statusCallback) =>
        engine.Run($"message {sid}", token => RunAsync(sid, accounts.AuthTokenFor(tenantId), statusCallback, token));

    private async Task RunAsync(string sid, string authToken, string? statusCallback, CancellationToken cancellationToken)
    {
        var delay = options.Value.StepDelay;
        var message = ledger.FindMessage(sid);
        if (message is null) return;

        async Task<bool> Step(Func<TwilioMessage, TwilioMessage> change)
        {
            await Task.Delay(delay, cancellationToken);
            var now = DateTimeOffset.UtcNow;
            message = ledger.UpdateMessage(sid, m => change(m) with { DateUpdated = now });
            if (message is null) return false;
            await NotifyAsync(message, statusCallback, authToken, cancellationToken);
            return true;
        }

        if (message.Status == "accepted" && !await Step(m => m with
            {
                Status = "queued",
                From = m.From ?? SimulatedAccounts.DefaultFromNumber,
                NumSegments = SimulatorWire.Number(SmsSegments.Count(m.Body ?? "").Segments),
            }))
        {
            return;
        }

        if (!await Step(m => m with { Status = "sending" })) return;

        if (message.To == MagicNumbers.Failed)
        {
            await Step(m => m with { Status = "failed", ErrorCode = MagicNumbers.UnknownError, ErrorMessage = "Unknown error" });
            return;
        }

        if (!await Step(m => m with
            {
                Status = "sent",
                DateSent = DateTimeOffset.UtcNow,
                // Twilio prices a message once it is sent, per segment; the callbacks never carry the price.
                Price = options.Value.SmsPrice(m.NumSegmentsValue ?? 1),
                PriceUnit = "USD",
            }))
        {
            return;
        }

        await Step(m => m.To == MagicNumbers.Undelivered
            ? m with { Status = "undelivered", ErrorCode = MagicNumbers.UnreachableHandset, ErrorMessage = "Unreachable destination handset" }
            : m with { Status = "delivered" });
    }

    private async Task NotifyAsync(TwilioMessage message, string? statusCallback, string authToken, CancellationToken cancellationToken)
    {
        if (statusCallback is null) return;

        var fields = new List<KeyValuePair<string, string>>
        {
            new("AccountSid", message.AccountSid!),
            new("ApiVersion", SimulatorWire.ApiVersion),
            new("From", message.From ?? ""),
            new("MessageSid", message.Sid),
            new("MessageStatus", message.Status!),
            new("SmsSid", message.Sid),
            new("SmsStatus", message.Status!),
            new("To", message.To!),
        };
        if (message.MessagingServiceSid is not null) fields.Add(new("MessagingServiceSid", message.MessagingServiceSid));
        if (message.ErrorCode is int code) fields.Add(new("ErrorCode", SimulatorWire.Number(code)));
        if (message.Status is "delivered" or "undelivered")
        {
            fields.Add(new("RawDlrDoneDate", DateTimeOffset.UtcNow.ToString("yyMMddHHmm", CultureInfo.InvariantCulture)));
        }

        await http.SendSignedAsync("message-status", statusCallback, "POST", fields, authToken, cancellationToken);
    }
}
