using Carter;

namespace App.Twilio.Simulator;

/// <summary>
/// The built-in Twilio (see docs/decisions.md, "Running it"), mapped unless <c>Twilio:Mode</c> is <c>Live</c>, under
/// <see cref="RoutePrefix"/>: Twilio's own paths for our real Twilio client, and test
/// hooks that play inbound traffic. None of it is part of our OpenAPI document.
/// </summary>
public sealed class SimulatorModule : ICarterModule
{
    /// <summary>Where the simulator's Twilio-shaped REST API lives in this app.</summary>
    public const string RoutePrefix = "/twilio-sim";

    public void AddRoutes(IEndpointRouteBuilder app)
    {
        if (!TwilioMode.IsSimulated(app.ServiceProvider.GetRequiredService<IConfiguration>())) return;
        // Not registered (AddTwilioSimulator not called): map nothing rather than fail at start.
        if (app.ServiceProvider.GetService<IServiceProviderIsService>()?.IsService(typeof(SimulatorLedger)) != true) return;

        var api = app.MapGroup(RoutePrefix + "/2010-04-01/Accounts/{accountSid}").ExcludeFromDescription();
        api.MapPost("/Messages.json", SimulatedMessages.CreateAsync);
        api.MapGet("/Messages.json", SimulatedMessages.Resource.ListAsync);
        api.MapGet("/Messages/{sid}.json", SimulatedMessages.Resource.FetchAsync);
        api.MapPost("/Calls.json", SimulatedCalls.CreateAsync);
        api.MapGet("/Calls.json", SimulatedCalls.Resource.ListAsync);
        api.MapGet("/Calls/{sid}.json", SimulatedCalls.Resource.FetchAsync);

        var hooks = app.MapGroup(RoutePrefix + "/simulate/{tenantId}").ExcludeFromDescription().RequireAuthorization();
        hooks.MapPost("/inbound-sms", InboundHooks.SmsAsync);
        hooks.MapPost("/inbound-call", InboundHooks.CallAsync);
    }
}
