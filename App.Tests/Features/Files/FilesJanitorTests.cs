using App.Features.Files;
using App.Tests.Support;

namespace App.Tests.Features.Files;

public sealed class FilesJanitorTests(AppFactory factory) : IClassFixture<AppFactory>
{
    [Fact]
    public async Task Crash_leftovers_are_never_counted_and_are_swept_once_old()
    {
        var tenant = await factory.CreateTenantAsync();
        var kept = await tenant.Client().UploadOkAsync(AudioFixtures.Mp3(1.0), "kept.mp3");
        var keptPath = factory.FullPath((await factory.StoredAsync(kept.Id()))!);
        File.SetLastWriteTimeUtc(keptPath, DateTime.UtcNow.AddDays(-3));
        // What a crash leaves: an unfinished upload, and a renamed file whose transaction never committed.
        var staleIncoming = Leftover(Path.Combine(factory.IncomingFolder(tenant.Id), "0123.part"), TimeSpan.FromHours(2));
        var freshIncoming = Leftover(Path.Combine(factory.IncomingFolder(tenant.Id), "4567.part"), TimeSpan.FromMinutes(1));
        var orphan = Leftover(Path.Combine(factory.TenantFolder(tenant.Id), Guid.NewGuid().ToString("N") + ".mp3"), TimeSpan.FromHours(2));

        var before = await (await tenant.Client().GetAsync("/api/files/quota")).ShouldBeSuccessAsync();
        before.GetProperty("used_bytes").GetInt64().ShouldBe(kept.GetProperty("file_size").GetInt64());

        var sweep = await factory.Service<FilesJanitor>().SweepAsync();

        sweep.IncomingRemoved.ShouldBe(1);
        sweep.OrphansRemoved.ShouldBe(1);
        sweep.RowsWithoutFile.ShouldBe(0);
        File.Exists(staleIncoming).ShouldBeFalse();
        File.Exists(orphan).ShouldBeFalse();
        File.Exists(freshIncoming).ShouldBeTrue("an upload may still be in flight");
        File.Exists(keptPath).ShouldBeTrue("a file with a row is never swept, however old");
        (await (await tenant.Client().GetAsync($"/api/files/{kept.Id()}/download")).Content.ReadAsByteArrayAsync()).Length
            .ShouldBe((int)kept.GetProperty("file_size").GetInt64());
    }

    [Fact]
    public async Task Files_of_a_deleted_tenant_are_swept()
    {
        var tenant = await factory.CreateTenantAsync();
        var item = await tenant.Client().UploadOkAsync(AudioFixtures.Mp3(1.0), "gone.mp3");
        var path = factory.FullPath((await factory.StoredAsync(item.Id()))!);
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddDays(-1));
        await using (var connection = await factory.Db.OpenAsync())
            await Dapper.SqlMapper.ExecuteAsync(connection, "DELETE FROM tenants WHERE id = @id", new { id = tenant.Id });

        await factory.Service<FilesJanitor>().SweepAsync();

        File.Exists(path).ShouldBeFalse();
    }

    private static string Leftover(string path, TimeSpan age)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, AudioFixtures.Mp3(1.0));
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow - age);
        return path;
    }
}
