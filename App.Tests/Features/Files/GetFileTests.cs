using App.Tests.Support;

namespace App.Tests.Features.Files;

public sealed class GetFileTests(AppFactory factory) : IClassFixture<AppFactory>
{
    [Fact]
    public async Task A_file_is_read_back_by_id()
    {
        var tenant = await factory.CreateTenantAsync();
        var created = await tenant.Client().UploadOkAsync(AudioFixtures.Wav(1.25), "menu.wav", "Menu", "ivr");

        var item = await (await tenant.Client().GetAsync($"/api/files/{created.Id()}")).ShouldBeSuccessAsync();

        item.ToString().ShouldBe(created.ToString());
        item.GetProperty("duration_seconds").GetDouble().ShouldBe(1.25, 0.001);
    }

    [Fact]
    public async Task A_missing_file_is_404_NOT_FOUND()
    {
        var tenant = await factory.CreateTenantAsync();

        await (await tenant.Client().GetAsync("/api/files/987654")).ShouldBeErrorAsync(404, "NOT_FOUND");
    }
}
