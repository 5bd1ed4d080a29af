using App.Features.VoiceMessages;
using App.Tests.Support;

namespace App.Tests.Features.VoiceMessages;

public sealed class DuplicateVoiceMessageTests(AppFactory factory) : IClassFixture<AppFactory>
{
    [Fact]
    public async Task A_duplicate_is_a_201_copy_named_copy_then_copy_2()
    {
        var tenant = await factory.CreateTenantAsync();
        var fileId = await factory.InsertFileAsync(tenant.Id);
        var id = await tenant.Client().CreateIdAsync(VoiceMessageTestData.Body("Reminder").With("voice", "Polly.Brian").With("voice_rate", "slow")
            .With("voice_type", "reminder").With("voice_file_id", fileId).With("play_position", "instead"));

        var response = await tenant.Client().PostAsync($"/api/voice-messages/{id}/duplicate", null);
        var first = await response.ShouldBeSuccessAsync(201);
        var second = await (await tenant.Client().PostAsync($"/api/voice-messages/{id}/duplicate", null)).ShouldBeSuccessAsync(201);
        var third = await (await tenant.Client().PostAsync($"/api/voice-messages/{id}/duplicate", null)).ShouldBeSuccessAsync(201);

        first.GetProperty("name").GetString().ShouldBe("Reminder (copy)");
        second.GetProperty("name").GetString().ShouldBe("Reminder (copy 2)");
        third.GetProperty("name").GetString().ShouldBe("Reminder (copy 3)");
        var copyId = first.GetProperty("id").GetInt64();
        copyId.ShouldNotBe(id);
        response.Headers.Location!.ToString().ShouldBe($"/api/voice-messages/{copyId}");

        var original = (await factory.RowAsync(id))!;
        var copy = (await factory.RowAsync(copyId))!;
        copy.TenantId.ShouldBe(tenant.Id);
        (copy.VoiceText, copy.Voice, copy.Language, copy.VoiceRate, copy.VoiceType, copy.VoiceFileId, copy.PlayPosition)
            .ShouldBe((original.VoiceText, original.Voice, original.Language, original.VoiceRate, original.VoiceType, original.VoiceFileId, original.PlayPosition));
    }

    [Fact]
    public async Task A_freed_copy_name_is_used_again()
    {
        var tenant = await factory.CreateTenantAsync();
        var id = await tenant.Client().CreateIdAsync(VoiceMessageTestData.Body("Alert"));
        var copy = (await (await tenant.Client().PostAsync($"/api/voice-messages/{id}/duplicate", null)).ShouldBeSuccessAsync(201)).GetProperty("id").GetInt64();
        await (await tenant.Client().PostAsync($"/api/voice-messages/{id}/duplicate", null)).ShouldBeSuccessAsync(201);
        await (await tenant.Client().DeleteAsync($"/api/voice-messages/{copy}")).ShouldBeSuccessAsync();

        var again = await (await tenant.Client().PostAsync($"/api/voice-messages/{id}/duplicate", null)).ShouldBeSuccessAsync(201);

        again.GetProperty("name").GetString().ShouldBe("Alert (copy)");
    }

    [Fact]
    public async Task A_long_name_is_shortened_so_the_copy_stays_within_100_characters()
    {
        var tenant = await factory.CreateTenantAsync();
        var name = new string('x', 100);
        var id = await tenant.Client().CreateIdAsync(VoiceMessageTestData.Body(name));

        var copy = await (await tenant.Client().PostAsync($"/api/voice-messages/{id}/duplicate", null)).ShouldBeSuccessAsync(201);

        copy.GetProperty("name").GetString().ShouldBe(new string('x', 93) + " (copy)");
        DuplicateVoiceMessage.CopyName(name, 12).ShouldBe(new string('x', 90) + " (copy 12)");
    }

    [Fact]
    public async Task Duplicating_a_missing_id_is_404()
    {
        var tenant = await factory.CreateTenantAsync();

        await (await tenant.Client().PostAsync("/api/voice-messages/31337/duplicate", null)).ShouldBeErrorAsync(404, "NOT_FOUND");
    }
}
