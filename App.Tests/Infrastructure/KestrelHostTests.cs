using App.Infrastructure.Hosting;
using App.Tests.Support;

namespace App.Tests.Infrastructure;

public sealed class KestrelHostTests(KestrelAppFactory factory) : IClassFixture<KestrelAppFactory>
{
    [Fact]
    public async Task The_app_answers_on_a_real_loopback_socket_and_knows_its_own_public_url()
    {
        var baseAddress = factory.BaseAddress;
        baseAddress.Port.ShouldBeGreaterThan(0);

        using var plain = new HttpClient { BaseAddress = baseAddress };
        var response = await plain.GetAsync("/health");

        response.IsSuccessStatusCode.ShouldBeTrue();
        factory.Service<PublicUrls>().BaseUrl.ShouldBe(baseAddress.ToString().TrimEnd('/'));
    }
}
