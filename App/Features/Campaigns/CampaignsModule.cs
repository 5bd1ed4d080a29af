using App.Infrastructure.Hosting;
using Carter;

namespace App.Features.Campaigns;

/// <summary>/api/campaigns — bulk sends from a spreadsheet: upload and check, start, follow, cancel.</summary>
public sealed class CampaignsModule : ICarterModule
{
    public void AddRoutes(IEndpointRouteBuilder app)
    {
        var group = app.MapTenantApi("/api/campaigns", "Campaigns").RequirePermission(Permissions.SendSms);
        var campaign = group.MapGroup("/{id:long}").Refuses(StatusCodes.Status404NotFound, ErrorCodes.CampaignNotFound, "no campaign of this tenant has this id");

        group.MapPost("", CreateCampaign.Handle).Returns<CreateCampaign.Created>(StatusCodes.Status201Created)
            .Refuses(StatusCodes.Status400BadRequest, ErrorCodes.ValidationError,
                "a field is missing or invalid, or the file cannot be used (not UTF-8, no 'to' column, no rows, more than Campaigns:MaxRows rows, a {{variable}} without its column); details name the field")
            .RefusesUnlessItMaySend()
            .Refuses(StatusCodes.Status413PayloadTooLarge, ErrorCodes.PayloadTooLarge, "the file is larger than Campaigns:MaxFileBytes")
            .Refuses(StatusCodes.Status415UnsupportedMediaType, ErrorCodes.UnsupportedMediaType, "the body is not multipart/form-data")
            .RefusesWhileShuttingDown()
            .WithSummary("Upload a spreadsheet (CSV: a 'to' column and one column per variable) with a name and a message or voice_message_id: " +
                         "every row is checked and the campaign is answered as a draft with its report. Nothing is sent yet.");

        group.MapGet("", ListCampaigns.Handle).ReturnsPage<Campaign.View>()
            .WithSummary("The tenant's campaigns, newest first, each with its counts; filter by state.");
        campaign.MapGet("", GetCampaign.Handle).Returns<Campaign.View>()
            .WithSummary("One campaign: its rows by check and by status, live, and when its next row goes.");
        campaign.MapGet("/rows", ListCampaignRows.Handle).ReturnsPage<ListCampaignRows.Item>()
            .WithSummary("The spreadsheet's rows in file order with their check and outcome (show=problems|valid|waiting|sent|delivered|failed, q); " +
                         "format=csv exports them.");

        campaign.MapPost("/start", StartCampaign.Handle).Returns<Campaign.View>()
            .RefusesUnlessItMaySend()
            .Refuses(StatusCodes.Status409Conflict, ErrorCodes.CampaignStateConflict, "the campaign was cancelled")
            .RefusesWhileShuttingDown()
            .WithSummary("Start sending the valid rows (each exactly once) at the tenant's pace, after send_at and outside quiet hours. " +
                         "Starting a running or completed campaign again changes nothing.");
        campaign.MapPost("/cancel", CancelCampaign.Handle).Returns<CancelCampaign.Cancelled>()
            .Refuses(StatusCodes.Status409Conflict, ErrorCodes.CampaignStateConflict, "every row was sent already")
            .RefusesWhileShuttingDown()
            .WithSummary("Stop the campaign: what has not gone out is not sent; a send already on its way to Twilio finishes.");
        campaign.MapDelete("", DeleteCampaign.Handle).Returns<DeleteCampaign.Deleted>()
            .Refuses(StatusCodes.Status409Conflict, ErrorCodes.CampaignStateConflict, "the campaign is not a draft (it was started)")
            .WithSummary("Delete a draft, e.g. before uploading the fixed spreadsheet again.");
    }
}

internal static class CampaignEndpointConventions
{
    /// <summary>What <see cref="Campaign.CheckSenderAsync"/> refuses.</summary>
    public static RouteHandlerBuilder RefusesUnlessItMaySend(this RouteHandlerBuilder endpoint) => endpoint
        .Refuses(StatusCodes.Status403Forbidden, ErrorCodes.Forbidden, "a call campaign (voice_message_id) without the send_voice permission")
        .Refuses(StatusCodes.Status422UnprocessableEntity, ErrorCodes.TwilioNotConfigured, "the tenant has no Twilio credentials or sending number");

    /// <summary>What <see cref="Campaign.ShuttingDown"/> answers.</summary>
    public static RouteHandlerBuilder RefusesWhileShuttingDown(this RouteHandlerBuilder endpoint) =>
        endpoint.Refuses(StatusCodes.Status503ServiceUnavailable, ErrorCodes.ShuttingDown, "the server is restarting; nothing was stored, retry");
}
