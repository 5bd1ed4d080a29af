using App.Tests.Support;

namespace App.Tests.Features.Files;

/// <summary>A tiny quota and upload limit so the edges are cheap to reach.</summary>
public sealed class SmallLibraryAppFactory : AppFactory
{
    public const long Quota = 60_000;
    public const long MaxUpload = 40_000;

    public SmallLibraryAppFactory()
    {
        Settings["Files:TenantQuotaBytes"] = Quota.ToString();
        Settings["Files:MaxUploadBytes"] = MaxUpload.ToString();
    }
}

public sealed class FileQuotaTests(SmallLibraryAppFactory factory) : IClassFixture<SmallLibraryAppFactory>
{
    /// <summary>A valid PCM WAV of exactly <paramref name="size"/> bytes (44-byte header, silent samples).</summary>
    private static byte[] WavOfSize(long size) => AudioFixtures.RiffWave(
        AudioFixtures.Chunk("fmt ", AudioFixtures.FmtBody(1, 1, 8000, 16)),
        AudioFixtures.Chunk("data", new byte[size - 44]));

    [Fact]
    public async Task The_quota_shows_used_and_remaining_bytes()
    {
        var tenant = await factory.CreateTenantAsync();
        await tenant.Client().UploadOkAsync(WavOfSize(10_000), "a.wav");

        var quota = await (await tenant.Client().GetAsync("/api/files/quota")).ShouldBeSuccessAsync();

        quota.GetProperty("used_bytes").GetInt64().ShouldBe(10_000);
        quota.GetProperty("quota_bytes").GetInt64().ShouldBe(SmallLibraryAppFactory.Quota);
        quota.GetProperty("remaining_bytes").GetInt64().ShouldBe(SmallLibraryAppFactory.Quota - 10_000);
        quota.GetProperty("max_upload_bytes").GetInt64().ShouldBe(SmallLibraryAppFactory.MaxUpload);
    }

    [Fact]
    public async Task An_upload_that_does_not_fit_the_quota_is_409_with_the_remaining_space()
    {
        var tenant = await factory.CreateTenantAsync();
        await tenant.Client().UploadOkAsync(WavOfSize(35_000), "first.wav");

        var error = await (await tenant.Client().UploadAsync(WavOfSize(30_000), "second.wav")).ShouldBeErrorAsync(409, "QUOTA_EXCEEDED");

        var details = error.GetProperty("details");
        details.GetProperty("remaining_bytes").GetInt64().ShouldBe(25_000);
        details.GetProperty("quota_bytes").GetInt64().ShouldBe(SmallLibraryAppFactory.Quota);
        details.GetProperty("used_bytes").GetInt64().ShouldBe(35_000);
        (await (await tenant.Client().GetAsync("/api/files")).ShouldBeSuccessAsync()).GetArrayLength().ShouldBe(1);
        Directory.EnumerateFiles(factory.TenantFolder(tenant.Id)).Count().ShouldBe(1);
        Directory.EnumerateFiles(factory.IncomingFolder(tenant.Id)).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_file_that_fills_the_quota_exactly_is_accepted()
    {
        var tenant = await factory.CreateTenantAsync();
        await tenant.Client().UploadOkAsync(WavOfSize(30_000), "first.wav");

        await tenant.Client().UploadOkAsync(WavOfSize(30_000), "second.wav");

        var quota = await (await tenant.Client().GetAsync("/api/files/quota")).ShouldBeSuccessAsync();
        quota.GetProperty("remaining_bytes").GetInt64().ShouldBe(0);
    }

    [Fact]
    public async Task Concurrent_uploads_cannot_together_overrun_the_quota()
    {
        var tenant = await factory.CreateTenantAsync();

        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => tenant.Client().UploadAsync(WavOfSize(25_000), $"{i}.wav")));

        responses.Count(r => (int)r.StatusCode == 201).ShouldBe(2);
        responses.Count(r => (int)r.StatusCode == 409).ShouldBe(4);
        var quota = await (await tenant.Client().GetAsync("/api/files/quota")).ShouldBeSuccessAsync();
        quota.GetProperty("used_bytes").GetInt64().ShouldBe(50_000);
    }

    [Fact]
    public async Task Each_tenant_has_its_own_quota()
    {
        var full = await factory.CreateTenantAsync();
        var other = await factory.CreateTenantAsync();
        await full.Client().UploadOkAsync(WavOfSize(40_000), "big.wav");
        await (await full.Client().UploadAsync(WavOfSize(40_000), "again.wav")).ShouldBeErrorAsync(409, "QUOTA_EXCEEDED");

        var uploaded = await (await other.Client().UploadAsync(WavOfSize(40_000), "big.wav")).ShouldBeSuccessAsync(201);

        uploaded.GetProperty("filename").GetString().ShouldBe("big.wav");
        var quota = await (await other.Client().GetAsync("/api/files/quota")).ShouldBeSuccessAsync();
        quota.GetProperty("used_bytes").GetInt64().ShouldBe(40_000);
        quota.GetProperty("remaining_bytes").GetInt64().ShouldBe(SmallLibraryAppFactory.Quota - 40_000);
    }

    [Fact]
    public async Task A_file_of_exactly_the_size_limit_is_accepted_and_one_byte_more_is_413()
    {
        var tenant = await factory.CreateTenantAsync();

        await tenant.Client().UploadOkAsync(WavOfSize(SmallLibraryAppFactory.MaxUpload), "limit.wav");
        var error = await (await tenant.Client().UploadAsync(WavOfSize(SmallLibraryAppFactory.MaxUpload + 1), "over.wav"))
            .ShouldBeErrorAsync(413, "PAYLOAD_TOO_LARGE");

        error.GetProperty("details").GetProperty("max_bytes").GetInt64().ShouldBe(SmallLibraryAppFactory.MaxUpload);
        Directory.EnumerateFiles(factory.IncomingFolder(tenant.Id)).ShouldBeEmpty();
    }
}
