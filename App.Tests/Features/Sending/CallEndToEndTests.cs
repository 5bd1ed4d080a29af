using System.Net.Http.Headers;
using App.Tests.Support;
using App.Twilio.Simulator;
using Dapper;

namespace App.Tests.Features.Sending;

/// <summary>Calls through the outbox, the real Twilio client and the simulator, which fetches our TwiML and audio.</summary>
public sealed class CallEndToEndTests(KestrelAppFactory factory) : IClassFixture<KestrelAppFactory>
{
    private async Task<long> VoiceMessageAsync(TestTenant tenant, string text, long? fileId = null, string? playPosition = null)
    {
        var created = await (await tenant.Client().PostJsonAsync("/api/voice-messages", new
        {
            name = "Msg " + Guid.NewGuid().ToString("N")[..8], voice_text = text, voice = "Polly.Joanna-Neural", language = "en-US",
            voice_file_id = fileId, play_position = playPosition,
        })).ShouldBeSuccessAsync(201);
        return created.GetProperty("id").GetInt64();
    }

    private async Task<long> UploadWavAsync(TestTenant tenant)
    {
        using var content = new MultipartFormDataContent();
        var file = new ByteArrayContent(AudioFixtures.Wav(1.0));
        file.Headers.ContentType = new MediaTypeHeaderValue("audio/wav");
        content.Add(file, "file", "greeting.wav");
        var uploaded = await (await tenant.Client().PostAsync("/api/files/upload", content)).ShouldBeSuccessAsync(201);
        return uploaded.GetProperty("id").GetInt64();
    }

    private async Task<long> CallAsync(TestTenant tenant, string to, long voiceMessageId, object? variables = null, DateTimeOffset? sendAt = null)
    {
        var data = await (await tenant.Client().PostJsonAsync("/api/communication/voice/send", new { to, voice_message_id = voiceMessageId, variables, send_at = sendAt }))
            .ShouldBeSuccessAsync();
        return data.GetProperty("id").GetInt64();
    }

    private Task<(string Status, string? Sid, int? Duration, int? ErrorCode, decimal? Cost)> FinalAsync(long id) =>
        Eventually.GetAsync(async () =>
        {
            await using var connection = await factory.Db.OpenAsync();
            return await connection.QuerySingleAsync<(string, string?, int?, int?, decimal?)>(
                "SELECT status, twilio_sid, duration_seconds, error_code, CAST(cost_amount AS REAL) FROM communication_log WHERE id = @id", new { id });
        }, row => row.Item1 is "completed" or "failed" or "busy" or "no-answer", what: $"call {id} to end");

    [Fact]
    public async Task A_call_speaks_the_template_and_ends_completed_with_duration_and_cost()
    {
        var tenant = await factory.CreateTenantAsync();
        var voiceMessageId = await VoiceMessageAsync(tenant, "Hello {{first_name}}, this is a reminder of your appointment tomorrow.");

        var id = await CallAsync(tenant, "+14155550131", voiceMessageId, new { first_name = "Ann" });
        var row = await FinalAsync(id);

        row.Status.ShouldBe("completed");
        row.Sid!.ShouldStartWith("CA");
        row.Duration!.Value.ShouldBeGreaterThan(0);
        // Twilio's callbacks carry no price: the cost comes from fetching the finished call.
        await factory.Service<App.Features.Communication.Outbox.OutboxWorker>().ReconcileStaleRowsAsync(CancellationToken.None);
        (await FinalAsync(id)).Cost.ShouldBe(0.014m);
        factory.Service<SimulatorLedger>().Calls.Values.Count(c => c.To == "+14155550131").ShouldBe(1);
    }

    [Fact]
    public async Task A_voice_message_with_a_library_file_plays_it_through_a_signed_URL()
    {
        var tenant = await factory.CreateTenantAsync();
        var fileId = await UploadWavAsync(tenant);
        var voiceMessageId = await VoiceMessageAsync(tenant, "Thanks for listening.", fileId, "before");

        var id = await CallAsync(tenant, "+14155550132", voiceMessageId);
        var row = await FinalAsync(id);

        row.Status.ShouldBe("completed");
        await using var connection = await factory.Db.OpenAsync();
        var xml = await connection.ExecuteScalarAsync<string>(
            "SELECT x.xml_content FROM voice_xml x JOIN communication_log l ON l.xml_filename = x.id WHERE l.id = @id", new { id });
        var twiml = xml!;
        twiml.ShouldContain("<Play>");
        twiml.ShouldContain("/media/" + fileId);
        twiml.ShouldNotContain(tenant.ApiKey);
    }

    [Fact]
    public async Task A_call_whose_audio_cannot_be_fetched_fails_with_Twilios_retrieval_error()
    {
        var tenant = await factory.CreateTenantAsync();
        var fileId = await UploadWavAsync(tenant);
        var voiceMessageId = await VoiceMessageAsync(tenant, "Thanks.", fileId, "before");
        // Rendered now, placed later: by then the file is gone and its signed URL answers 404.
        var id = await CallAsync(tenant, "+14155550133", voiceMessageId, sendAt: DateTimeOffset.UtcNow.AddHours(1));
        (await tenant.Client().DeleteAsync($"/api/files/{fileId}")).IsSuccessStatusCode.ShouldBeTrue();
        await using (var connection = await factory.Db.OpenAsync())
            await connection.ExecuteAsync("UPDATE outbox SET due_at = '2000-01-01T00:00:00.000Z' WHERE log_id = @id", new { id });
        factory.Service<App.Features.Communication.Outbox.OutboxSignal>().Notify();

        var row = await FinalAsync(id);
        row.Status.ShouldBe("failed");
        row.ErrorCode.ShouldBe(11200);
    }

    [Theory]
    [InlineData("+15005550020", "busy")]
    [InlineData("+15005550021", "no-answer")]
    public async Task Busy_and_unanswered_calls_end_with_that_status(string to, string status)
    {
        var tenant = await factory.CreateTenantAsync();
        var voiceMessageId = await VoiceMessageAsync(tenant, "Hello.");

        (await FinalAsync(await CallAsync(tenant, to, voiceMessageId))).Status.ShouldBe(status);
    }
}
