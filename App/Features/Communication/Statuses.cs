namespace App.Features.Communication;

/// <summary>
/// The forward order of statuses (see docs/twilio.md, "Statuses"). A row only moves to a higher rank; terminal
/// statuses (rank 4) win, except that a delivered message may still become "read".
/// </summary>
public static class Statuses
{
    private const int Terminal = 4;

    public const string Scheduled = "scheduled";
    public const string Queued = "queued";
    public const string Failed = "failed";
    public const string Received = "received";

    public static int Rank(string channel, string status) => channel == "call" ? CallRank(status) : MessageRank(status);

    private static int MessageRank(string status) => status switch
    {
        "scheduled" or "accepted" => 0,
        "queued" or "receiving" => 1,
        "sending" => 2,
        "sent" => 3,
        "delivered" or "undelivered" or "failed" or "canceled" or "received" => Terminal,
        "read" => 5,
        _ => -1,
    };

    private static int CallRank(string status) => status switch
    {
        "scheduled" or "queued" => 0,
        "initiated" => 1,
        "ringing" => 2,
        "in-progress" => 3,
        "completed" or "busy" or "failed" or "no-answer" or "canceled" => Terminal,
        _ => -1,
    };

    public static bool IsFinal(string channel, string? status) => status is not null && Rank(channel, status) >= Terminal;

    /// <summary>Final statuses that mean the message or call did not get through.</summary>
    public static readonly IReadOnlySet<string> Failures = new HashSet<string>(StringComparer.Ordinal)
    {
        "failed", "undelivered", "busy", "no-answer", "canceled",
    };

    /// <summary><see cref="Failures"/> as an SQL list, for <c>status IN ...</c>.</summary>
    public static readonly string FailuresSql = $"({string.Join(", ", Failures.Order(StringComparer.Ordinal).Select(status => $"'{status}'"))})";
}
