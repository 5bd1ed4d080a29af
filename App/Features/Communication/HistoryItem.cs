namespace App.Features.Communication;

/// <summary>One communication_log row as the API shows it (history, details, status).</summary>
public class HistoryItem
{
    // SQLite keeps 0 as an integer and 0.0079 as a real in the same column; the cast gives Dapper one type (double,
    // see CostValue).
    public const string Columns = """
        id, network_type, direction, to_number, from_number, message_content, twilio_sid, status, error_code, error_message,
        CAST(cost_amount AS REAL) AS cost_value, cost_currency, duration_seconds, segments, encoding, answered_by, voice_message_id, send_at, sent_at,
        created_by, client_id, created_at, updated_at, legacy_id IS NOT NULL AS imported
        """;

    public long Id { get; init; }
    public string NetworkType { get; init; } = "";
    public string Direction { get; init; } = "";
    public string ToNumber { get; init; } = "";
    public string FromNumber { get; init; } = "";
    public string? MessageContent { get; init; }
    public string? TwilioSid { get; init; }
    public string? Status { get; init; }
    public int? ErrorCode { get; init; }
    public string? ErrorMessage { get; init; }
    /// <summary>
    /// The cost as SQLite returns it. Dapper builds one reader per query from the first row it sees, and a NULL there
    /// says nothing about the type: read as a decimal, a page whose first row had no cost failed on the next row's REAL.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public double? CostValue { get; init; }

    public decimal? CostAmount => CostValue is { } cost ? (decimal)cost : null;
    public string? CostCurrency { get; init; }
    public int? DurationSeconds { get; init; }
    public int? Segments { get; init; }
    public string? Encoding { get; init; }
    public string? AnsweredBy { get; init; }
    public long? VoiceMessageId { get; init; }
    public DateTimeOffset? SendAt { get; init; }
    public DateTimeOffset? SentAt { get; init; }
    public string? CreatedBy { get; init; }
    public string? ClientId { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Brought over from the legacy application by <c>legacy import</c>: history only, never sent again.</summary>
    public bool Imported { get; init; }

    /// <summary>Twilio's error code in words, for people reading the log.</summary>
    public string? ErrorDescription => TwilioErrorCodes.Describe(ErrorCode);

    public bool IsFinal => Statuses.IsFinal(NetworkType, Status);
}
