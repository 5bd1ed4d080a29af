using System.Text.Json.Serialization;

namespace App.Infrastructure.Web;

/// <summary>The response envelope every /api answer uses (see docs/decisions.md, "API contract").</summary>
public sealed record Envelope<T>(bool Success, T Data, string? Message, DateTimeOffset Timestamp)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Pagination? Pagination { get; init; }

    /// <summary>Present only when the request succeeded but something needs attention (e.g. a spend cap nearly reached).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<ApiWarning>? Warnings { get; init; }
}

/// <summary>Something a successful answer wants the caller to know, shaped like <see cref="ApiError"/>.</summary>
public sealed record ApiWarning(string Code, string Message, object? Details);

public sealed record ErrorEnvelope(bool Success, ApiError Error, DateTimeOffset Timestamp);

public sealed record ApiError(string Code, string Message, object? Details);

public sealed record Pagination(int Page, int PerPage, long TotalItems, int TotalPages, bool HasNext, bool HasPrev)
{
    /// <summary>Present (true) only when counting stopped early: there are at least total_items rows.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? TotalIsLowerBound { get; init; }

    public static Pagination For(PageRequest request, long totalItems)
    {
        var totalPages = (int)Math.Ceiling(totalItems / (double)request.PerPage);
        return new Pagination(request.Page, request.PerPage, totalItems, totalPages,
            HasNext: request.Page < totalPages, HasPrev: request.Page > 1);
    }
}

/// <summary>page/per_page query values, clamped to sane bounds (per_page 1..200, default 20).</summary>
public readonly record struct PageRequest(int Page, int PerPage)
{
    public const int MaxPerPage = 200;

    public int Offset => (Page - 1) * PerPage;

    public static PageRequest From(int? page, int? perPage) =>
        new(Math.Max(1, page ?? 1), Math.Clamp(perPage ?? 20, 1, MaxPerPage));
}

/// <summary>Builders for the success envelopes, so handlers read as <c>return Api.Ok(data)</c>.</summary>
public static class Api
{
    public static IResult Ok<T>(T data, string? message = null) =>
        TypedResults.Ok(new Envelope<T>(true, data, message ?? "OK", DateTimeOffset.UtcNow));

    public static IResult Created<T>(string location, T data, string? message = null) =>
        TypedResults.Created(location, new Envelope<T>(true, data, message ?? "Created", DateTimeOffset.UtcNow));

    public static IResult Page<T>(IReadOnlyList<T> items, PageRequest request, long totalItems) =>
        TypedResults.Ok(PageEnvelope(items, request, totalItems, DateTimeOffset.UtcNow));

    /// <summary>The envelope <see cref="Page{T}"/> answers with, for a use case that writes (or keeps) the bytes itself.</summary>
    public static Envelope<IReadOnlyList<T>> PageEnvelope<T>(IReadOnlyList<T> items, PageRequest request, long totalItems, DateTimeOffset timestamp) =>
        new(true, items, "OK", timestamp) { Pagination = Pagination.For(request, totalItems) };

    /// <summary>A page whose total is only a lower bound; whether a next page exists was looked up.</summary>
    public static IResult PageOfAtLeast<T>(IReadOnlyList<T> items, PageRequest request, long atLeastItems, bool hasNext) =>
        TypedResults.Ok(new Envelope<IReadOnlyList<T>>(true, items, "OK", DateTimeOffset.UtcNow)
        {
            Pagination = Pagination.For(request, atLeastItems) with { HasNext = hasNext, TotalIsLowerBound = true },
        });

    public static IResult Error(int status, string code, string message, object? details = null) =>
        TypedResults.Json(new ErrorEnvelope(false, new ApiError(code, message, details), DateTimeOffset.UtcNow), statusCode: status);

    /// <summary>200 with <paramref name="toData"/> of the row that was found, or 404 NOT_FOUND naming <paramref name="what"/>.</summary>
    public static IResult OkOrNotFound<TRow, TData>(TRow? row, Func<TRow, TData> toData, string what) where TRow : class =>
        row is null ? NotFound(what) : Ok(toData(row));

    public static IResult NotFound(string what = "resource") =>
        Error(StatusCodes.Status404NotFound, ErrorCodes.NotFound, $"The {what} was not found.");
}

public static class ErrorCodes
{
    public const string ValidationError = "VALIDATION_ERROR";
    public const string BadRequest = "BAD_REQUEST";
    public const string InvalidJson = "INVALID_JSON";
    public const string Unauthorized = "UNAUTHORIZED";
    public const string Forbidden = "FORBIDDEN";
    public const string NotFound = "NOT_FOUND";
    public const string MethodNotAllowed = "METHOD_NOT_ALLOWED";
    public const string Conflict = "CONFLICT";
    public const string PayloadTooLarge = "PAYLOAD_TOO_LARGE";
    public const string UnsupportedMediaType = "UNSUPPORTED_MEDIA_TYPE";
    public const string RateLimited = "RATE_LIMITED";
    public const string TwilioError = "TWILIO_ERROR";
    public const string InternalError = "INTERNAL_ERROR";
    public const string ShuttingDown = "SHUTTING_DOWN";

    // The send endpoints' own refusals.
    public const string OptedOut = "OPTED_OUT";
    public const string TwilioNotConfigured = "TWILIO_NOT_CONFIGURED";
    public const string IdempotencyKeyReused = "IDEMPOTENCY_KEY_REUSED";
    public const string SpendCapReached = "SPEND_CAP_REACHED";

    // Other endpoints' own refusals: uploads and campaigns.
    public const string QuotaExceeded = "QUOTA_EXCEEDED";
    public const string CampaignNotFound = "CAMPAIGN_NOT_FOUND";
    public const string CampaignStateConflict = "CAMPAIGN_STATE_CONFLICT";
}

/// <summary>
/// Thrown by handlers and infrastructure for an expected failure; the error middleware turns it into the envelope.
/// Handlers usually return <see cref="Api.Error"/> directly; this is for code deeper down (body readers, services).
/// </summary>
public sealed class ApiException(int status, string code, string message, object? details = null) : Exception(message)
{
    public int Status { get; } = status;
    public string Code { get; } = code;
    public object? Details { get; } = details;
}
