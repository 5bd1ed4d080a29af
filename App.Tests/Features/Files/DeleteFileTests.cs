using App.Tests.Support;

namespace App.Tests.Features.Files;

public sealed class DeleteFileTests(AppFactory factory) : IClassFixture<AppFactory>
{
    [Fact]
    public async Task Deleting_a_file_removes_the_row_and_the_bytes_and_frees_the_quota()
    {
        var tenant = await factory.CreateTenantAsync();
        var created = await tenant.Client().UploadOkAsync(AudioFixtures.Mp3(1.0), "bye.mp3");
        var stored = (await factory.StoredAsync(created.Id()))!;
        File.Exists(factory.FullPath(stored)).ShouldBeTrue();

        var data = await (await tenant.Client().DeleteAsync($"/api/files/{created.Id()}")).ShouldBeSuccessAsync();

        data.Id().ShouldBe(created.Id());
        File.Exists(factory.FullPath(stored)).ShouldBeFalse();
        (await factory.StoredAsync(created.Id())).ShouldBeNull();
        await (await tenant.Client().GetAsync($"/api/files/{created.Id()}")).ShouldBeErrorAsync(404, "NOT_FOUND");
        await (await tenant.Client().GetAsync($"/api/files/{created.Id()}/download")).ShouldBeErrorAsync(404, "NOT_FOUND");
        var quota = await (await tenant.Client().GetAsync("/api/files/quota")).ShouldBeSuccessAsync();
        quota.GetProperty("used_bytes").GetInt64().ShouldBe(0);
    }

    [Fact]
    public async Task Deleting_twice_is_404_the_second_time()
    {
        var tenant = await factory.CreateTenantAsync();
        var created = await tenant.Client().UploadOkAsync(AudioFixtures.Mp3(1.0), "bye.mp3");
        await (await tenant.Client().DeleteAsync($"/api/files/{created.Id()}")).ShouldBeSuccessAsync();

        await (await tenant.Client().DeleteAsync($"/api/files/{created.Id()}")).ShouldBeErrorAsync(404, "NOT_FOUND");
    }
}
