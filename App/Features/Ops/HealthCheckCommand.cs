namespace App.Features.Ops;

/// <summary>
/// <c>dotnet App.dll health-check URL</c>: the container's HEALTHCHECK (the runtime image has no curl).
/// Exit 0 when /health answers 200.
/// </summary>
public static class HealthCheckCommand
{
    public static async Task<int> RunAsync(string url)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(4) };
        try
        {
            using var response = await client.GetAsync(new Uri(url));
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            await Console.Error.WriteLineAsync($"health check failed: {exception.Message}");
            return 1;
        }
    }
}
