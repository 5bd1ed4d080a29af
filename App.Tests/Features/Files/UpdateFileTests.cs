using App.Tests.Support;

namespace App.Tests.Features.Files;

public sealed class UpdateFileTests(AppFactory factory) : IClassFixture<AppFactory>
{
    [Fact]
    public async Task Metadata_is_updated_and_the_caller_number_normalised()
    {
        var tenant = await factory.CreateTenantAsync();
        var created = await tenant.Client().UploadOkAsync(AudioFixtures.Mp3(1.0), "greeting.mp3", "Old", "a");

        var item = await (await tenant.Client().PutJsonAsync($"/api/files/{created.Id()}", new
        {
            description = "  Holiday greeting ",
            tag_list = new[] { " holiday ", "Greeting", "greeting", "" },
            caller_number = "(415) 555-0100",
            is_active = false,
        })).ShouldBeSuccessAsync();

        item.GetProperty("description").GetString().ShouldBe("Holiday greeting");
        item.GetProperty("tag_list").EnumerateArray().Select(t => t.GetString()).ShouldBe(["holiday", "Greeting"]);
        item.GetProperty("caller_number").GetString().ShouldBe("+14155550100");
        item.GetProperty("is_active").GetBoolean().ShouldBeFalse();
        item.GetProperty("filename").GetString().ShouldBe("greeting.mp3");
        var stored = (await factory.StoredAsync(created.Id()))!;
        stored.TagList.ShouldBe("holiday,Greeting");
        stored.CallerNumber.ShouldBe("+14155550100");
        stored.IsActive.ShouldBeFalse();
    }

    [Fact]
    public async Task Fields_left_out_keep_their_value_and_empty_ones_clear_it()
    {
        var tenant = await factory.CreateTenantAsync();
        var created = await tenant.Client().UploadOkAsync(AudioFixtures.Mp3(1.0), "greeting.mp3", "Keep me", "a,b", "+14155550100");

        var kept = await (await tenant.Client().PutJsonAsync($"/api/files/{created.Id()}", new { filename = "Renamed/../ greeting.mp3" })).ShouldBeSuccessAsync();
        kept.GetProperty("filename").GetString().ShouldBe("greeting.mp3");
        kept.GetProperty("description").GetString().ShouldBe("Keep me");
        kept.GetProperty("tag_list").GetArrayLength().ShouldBe(2);

        var cleared = await (await tenant.Client().PutJsonAsync($"/api/files/{created.Id()}",
            new { description = "", tag_list = Array.Empty<string>(), caller_number = "" })).ShouldBeSuccessAsync();
        cleared.GetProperty("description").ValueKind.ShouldBe(System.Text.Json.JsonValueKind.Null);
        cleared.GetProperty("tag_list").GetArrayLength().ShouldBe(0);
        cleared.GetProperty("caller_number").ValueKind.ShouldBe(System.Text.Json.JsonValueKind.Null);
        (await factory.StoredAsync(created.Id()))!.TagList.ShouldBeNull();
    }

    [Fact]
    public async Task Invalid_values_are_400_naming_each_field()
    {
        var tenant = await factory.CreateTenantAsync();
        var created = await tenant.Client().UploadOkAsync(AudioFixtures.Mp3(1.0), "greeting.mp3");

        var error = await (await tenant.Client().PutJsonAsync($"/api/files/{created.Id()}", new
        {
            description = new string('x', 1001),
            tag_list = new[] { "has,comma" },
            filename = "  ",
        })).ShouldBeErrorAsync(400, "VALIDATION_ERROR");
        var details = error.GetProperty("details");
        details.TryGetProperty("description", out _).ShouldBeTrue();
        details.TryGetProperty("tag_list", out _).ShouldBeTrue();
        details.TryGetProperty("filename", out _).ShouldBeTrue();

        var phone = await (await tenant.Client().PutJsonAsync($"/api/files/{created.Id()}", new { caller_number = "12" }))
            .ShouldBeErrorAsync(400, "VALIDATION_ERROR");
        phone.GetProperty("details").TryGetProperty("caller_number", out _).ShouldBeTrue();
    }

    [Fact]
    public async Task Updating_a_missing_file_is_404()
    {
        var tenant = await factory.CreateTenantAsync();

        await (await tenant.Client().PutJsonAsync("/api/files/424242", new { description = "x" })).ShouldBeErrorAsync(404, "NOT_FOUND");
    }
}
