using System.Net.Http.Headers;
using System.Text;
using App.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace App.Tests.Features.Campaigns;

/// <summary>The real clock moved forward by hand: everything that reads the app's clock jumps, nothing waits.</summary>
public sealed class ShiftedTime : TimeProvider
{
    private long _offsetTicks;

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);
}

/// <summary>The app on a real socket with the Twilio simulator, a clock the test can move, and a modest per-tenant pace.</summary>
public class CampaignAppFactory : KestrelAppFactory
{
    public const int SendsPerSecond = 20;

    public ShiftedTime Time { get; } = new();

    public CampaignAppFactory()
    {
        Settings["Outbox:TenantSendsPerSecond"] = SendsPerSecond.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Settings["Campaigns:PollIntervalMs"] = "50";
        Settings["Campaigns:MaxRows"] = "300";
        Settings["Campaigns:MaxFileBytes"] = (12 * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Time));
    }
}

public static class CampaignUploads
{
    public static MultipartFormDataContent Form(byte[] file, string name = "Reminders", string? message = "Hi {{first_name}}, see you at {{time}}.",
        long? voiceMessageId = null, DateTimeOffset? sendAt = null, string fileName = "patients.csv")
    {
        var form = new MultipartFormDataContent();
        var content = new ByteArrayContent(file);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        form.Add(content, "file", fileName);
        form.Add(new StringContent(name), "name");
        if (message is not null) form.Add(new StringContent(message), "message");
        if (voiceMessageId is not null) form.Add(new StringContent(voiceMessageId.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)), "voice_message_id");
        if (sendAt is not null) form.Add(new StringContent(sendAt.Value.ToString("O")), "send_at");
        return form;
    }

    /// <summary>A CSV of <paramref name="rows"/> valid, distinct US numbers with first_name and time.</summary>
    public static byte[] Numbers(int rows, string prefix = "Patient", int firstNumber = 2000)
    {
        var text = new StringBuilder("to,first_name,time\r\n");
        for (var i = 0; i < rows; i++) text.Append(System.Globalization.CultureInfo.InvariantCulture, $"+1415555{firstNumber + i:D4},{prefix} {i},9:{i % 60:D2}\r\n");
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    public static async Task<long> CreateAsync(HttpClient client, byte[] file, string message = "Hi {{first_name}}, see you at {{time}}.")
    {
        var created = await (await client.PostAsync("/api/campaigns", Form(file, message: message))).ShouldBeSuccessAsync(201);
        return created.GetProperty("campaign").GetProperty("id").GetInt64();
    }
}
