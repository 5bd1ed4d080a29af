using App.Tests.Support;

namespace App.Tests.Features.Files;

public sealed class FileTenantIsolationTests(AppFactory factory) : IClassFixture<AppFactory>
{
    [Fact]
    public async Task Another_tenants_file_is_404_on_every_route_and_stays_untouched()
    {
        var owner = await factory.CreateTenantAsync("Owner Dental");
        var other = await factory.CreateTenantAsync("Other Dental");
        var mp3 = AudioFixtures.Mp3(1.0);
        var id = (await owner.Client().UploadOkAsync(mp3, "private.mp3", "Owner's", "secret")).Id();
        var client = other.Client();

        await (await client.GetAsync($"/api/files/{id}")).ShouldBeErrorAsync(404, "NOT_FOUND");
        await (await client.PutJsonAsync($"/api/files/{id}", new { description = "mine now", is_active = false })).ShouldBeErrorAsync(404, "NOT_FOUND");
        await (await client.GetAsync($"/api/files/{id}/download")).ShouldBeErrorAsync(404, "NOT_FOUND");
        await (await client.PostAsync($"/api/files/{id}/play-url", null)).ShouldBeErrorAsync(404, "NOT_FOUND");
        await (await client.DeleteAsync($"/api/files/{id}")).ShouldBeErrorAsync(404, "NOT_FOUND");
        (await (await client.GetAsync("/api/files")).ShouldBeSuccessAsync()).GetArrayLength().ShouldBe(0);
        (await (await client.GetAsync("/api/files?search=private")).ShouldBeSuccessAsync()).GetArrayLength().ShouldBe(0);
        (await (await client.GetAsync("/api/files/quota")).ShouldBeSuccessAsync()).GetProperty("used_bytes").GetInt64().ShouldBe(0);
        (await factory.Service<App.Features.Files.MediaUrls>().FindPlayableAsync(other.Id, id, default)).ShouldBeNull();

        var stored = (await factory.StoredAsync(id))!;
        stored.Description.ShouldBe("Owner's");
        stored.IsActive.ShouldBeTrue();
        File.ReadAllBytes(factory.FullPath(stored)).ShouldBe(mp3);
    }

    [Fact]
    public async Task The_missing_and_the_foreign_file_answer_identically()
    {
        var owner = await factory.CreateTenantAsync();
        var other = await factory.CreateTenantAsync();
        var id = (await owner.Client().UploadOkAsync(AudioFixtures.Mp3(1.0), "x.mp3")).Id();

        var foreign = await (await other.Client().GetAsync($"/api/files/{id}")).ShouldBeErrorAsync(404, "NOT_FOUND");
        var missing = await (await other.Client().GetAsync("/api/files/99999999")).ShouldBeErrorAsync(404, "NOT_FOUND");

        foreign.GetProperty("message").GetString().ShouldBe(missing.GetProperty("message").GetString());
    }
}
