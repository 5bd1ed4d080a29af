using System.Globalization;
using Twilio.Base;
using Twilio.Rest.Api.V2010.Account;
using ITwilioRestClient = global::Twilio.Clients.ITwilioRestClient;
using SdkDomain = global::Twilio.Rest.Domain;
using SdkHttpMethod = global::Twilio.Http.HttpMethod;
using SdkRequest = global::Twilio.Http.Request;

// Ours: per-tenant clients, cancellation, paging without blocking threads and invariant-culture dates around the SDK's resource classes.
namespace App.Twilio;

/// <summary>
/// Messages and calls at Twilio through the SDK's own resource classes (<see cref="MessageResource"/>,
/// <see cref="CallResource"/> and their options). Each call gets its tenant's account and its cancellation (a
/// <see cref="TenantTwilioClient"/> per call, never the SDK's global client) and is checked first
/// (<see cref="TwilioRequestRules"/>); lists are paged without blocking a thread, and dates are written in UTC under
/// the invariant culture. Register with <see cref="TwilioServiceCollectionExtensions.AddTwilioRest"/>.
/// </summary>
/// <remarks>
/// Failures are <see cref="TwilioException"/>s (see <see cref="TenantTwilioClient"/> for which is which); cancelling
/// through the token throws <see cref="OperationCanceledException"/> as usual, and a create cancelled in flight has an
/// unknown outcome, like <see cref="TwilioUncertainException"/>. Dates the SDK reads come back as local times: take them
/// through <see cref="Utc"/>.
/// </remarks>
public sealed class TwilioRest(HttpClient http)
{
    /// <summary>The SDK's client for one tenant and one call, for resources beyond the ones below.</summary>
    public ITwilioRestClient For(TwilioCredentials credentials, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentException.ThrowIfNullOrWhiteSpace(credentials.AccountSid, nameof(credentials));
        ArgumentException.ThrowIfNullOrWhiteSpace(credentials.Username, nameof(credentials));
        ArgumentNullException.ThrowIfNull(credentials.Secret, nameof(credentials));
        return new TenantTwilioClient(http, credentials, cancellationToken);
    }

    public Task<MessageResource> CreateMessageAsync(TwilioCredentials credentials, CreateMessageOptions options, CancellationToken cancellationToken = default)
    {
        TwilioRequestRules.Check(options);
        options.SendAt = UtcKind(options.SendAt);
        var client = For(credentials, cancellationToken);
        return CreateAsync(() => MessageResource.CreateAsync(options, client), message => message.Sid);
    }

    public Task<CallResource> CreateCallAsync(TwilioCredentials credentials, CreateCallOptions options, CancellationToken cancellationToken = default)
    {
        TwilioRequestRules.Check(options);
        var client = For(credentials, cancellationToken);
        return CreateAsync(() => CallResource.CreateAsync(options, client), call => call.Sid);
    }

    public Task<MessageResource> FetchMessageAsync(TwilioCredentials credentials, string messageSid, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(messageSid);
        var client = For(credentials, cancellationToken);
        return ReadAsync(() => MessageResource.FetchAsync(new FetchMessageOptions(messageSid), client));
    }

    public Task<CallResource> FetchCallAsync(TwilioCredentials credentials, string callSid, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(callSid);
        var client = For(credentials, cancellationToken);
        return ReadAsync(() => CallResource.FetchAsync(new FetchCallOptions(callSid), client));
    }

    /// <summary>Messages, newest first, over at most <paramref name="maxPages"/> pages. Dates filter by whole GMT days.</summary>
    public Task<TwilioList<MessageResource>> ListMessagesAsync(
        TwilioCredentials credentials, ReadMessageOptions? options = null, int maxPages = 5, CancellationToken cancellationToken = default)
    {
        options ??= new ReadMessageOptions();
        options.DateSent = UtcKind(options.DateSent);
        options.DateSentAfter = UtcKind(options.DateSentAfter);
        options.DateSentBefore = UtcKind(options.DateSentBefore);
        var client = (TenantTwilioClient)For(credentials, cancellationToken);
        return ListAsync(client, () => MessageResource.ReadAsync(options, client), "messages", maxPages);
    }

    /// <summary>Calls, newest first, over at most <paramref name="maxPages"/> pages. Dates filter by whole GMT days.</summary>
    public Task<TwilioList<CallResource>> ListCallsAsync(
        TwilioCredentials credentials, ReadCallOptions? options = null, int maxPages = 5, CancellationToken cancellationToken = default)
    {
        options ??= new ReadCallOptions();
        options.StartTime = UtcKind(options.StartTime);
        options.StartTimeAfter = UtcKind(options.StartTimeAfter);
        options.StartTimeBefore = UtcKind(options.StartTimeBefore);
        options.EndTime = UtcKind(options.EndTime);
        options.EndTimeAfter = UtcKind(options.EndTimeAfter);
        options.EndTimeBefore = UtcKind(options.EndTimeBefore);
        var client = (TenantTwilioClient)For(credentials, cancellationToken);
        return ListAsync(client, () => CallResource.ReadAsync(options, client), "calls", maxPages);
    }

    /// <summary>A date the SDK read (a <see cref="DateTimeKind.Local"/> time) as the UTC instant Twilio sent.</summary>
    public static DateTimeOffset? Utc(DateTime? value) =>
        value is { } date ? new DateTimeOffset(date.Kind == DateTimeKind.Utc ? date : date.ToUniversalTime(), TimeSpan.Zero) : null;

    private static async Task<T> CreateAsync<T>(Func<Task<T>> create, Func<T, string?> sidOf) where T : class
    {
        T? created;
        try
        {
            created = await Invariant(create);
        }
        catch (Newtonsoft.Json.JsonException ex)
        {
            throw new TwilioUncertainException("Twilio's answer to a create could not be read; it may have been processed.", innerException: ex);
        }

        // Twilio took the create but the answer names nothing: reconcile rather than send again.
        return created is not null && !string.IsNullOrEmpty(sidOf(created))
            ? created
            : throw new TwilioUncertainException("Twilio's answer to a create carried no SID; it may have been processed.");
    }

    private static async Task<T> ReadAsync<T>(Func<Task<T>> read)
    {
        try
        {
            return await Invariant(read);
        }
        catch (Newtonsoft.Json.JsonException ex)
        {
            throw new TwilioApiException(200, null, "Twilio's answer could not be read: " + ex.Message, innerException: ex);
        }
    }

    /// <summary>
    /// The SDK writes and sends the first page's request (<c>ReadAsync</c>); later pages are read by hand from its
    /// next-page URL, because the SDK's own enumeration fetches them synchronously. A next page on another host is not
    /// followed (tenant credentials go to the configured API only) and counts as more to read.
    /// </summary>
    private static async Task<TwilioList<T>> ListAsync<T>(TenantTwilioClient client, Func<Task<ResourceSet<T>>> readFirstPage, string key, int maxPages)
        where T : Resource
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPages, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxPages, 100);

        await ReadAsync(readFirstPage);
        var response = client.LastResponse;
        var items = new List<T>();
        for (var page = 1; ; page++)
        {
            var current = ReadPage<T>(key, response.Content);
            items.AddRange(current.Records ?? []);
            var nextUrl = current.HasNextPage() ? current.GetNextPageUrl(SdkDomain.Api) : null;
            if (nextUrl is null) return new TwilioList<T>(items, HasMore: false);
            if (page >= maxPages || !Uri.TryCreate(nextUrl, UriKind.Absolute, out var next) || !TenantTwilioClient.IsSdkUrl(next))
            {
                return new TwilioList<T>(items, HasMore: true);
            }

            response = await client.RequestAsync(new SdkRequest(SdkHttpMethod.Get, nextUrl));
        }
    }

    /// <summary>The SDK's page reader: a page without <c>uri</c> reads as the last one, without its items it throws.</summary>
    private static Page<T> ReadPage<T>(string key, string json) where T : Resource
    {
        try
        {
            return Page<T>.FromJson(key, json);
        }
        catch (Exception ex) when (ex is Newtonsoft.Json.JsonException or NullReferenceException or InvalidCastException or FormatException)
        {
            throw new TwilioApiException(200, null, $"Twilio's list of {key} could not be read.", innerException: ex);
        }
    }

    /// <summary>
    /// Runs an SDK call under the invariant culture: the SDK formats dates and numbers with the current one
    /// (fi-FI writes 08.04.05 for a time). The culture flows into the call's continuations and is restored here.
    /// </summary>
    private static T Invariant<T>(Func<T> call)
    {
        var culture = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        try
        {
            return call();
        }
        finally
        {
            CultureInfo.CurrentCulture = culture;
        }
    }

    /// <summary>The SDK writes a date's clock time with a literal Z: a local time must become UTC first; an unspecified one is taken as UTC.</summary>
    private static DateTime? UtcKind(DateTime? value) => value switch
    {
        null => null,
        { Kind: DateTimeKind.Local } local => local.ToUniversalTime(),
        { } other => DateTime.SpecifyKind(other, DateTimeKind.Utc),
    };
}

/// <summary>The items read from one or more list pages.</summary>
/// <param name="HasMore">True when Twilio reported a further page that was not fetched: the page bound was reached, or
/// its next page pointed to another host (never followed with tenant credentials).</param>
public sealed record TwilioList<T>(IReadOnlyList<T> Items, bool HasMore);
