using App.Infrastructure.Hosting;
using Carter;

namespace App.Features.Files;

/// <summary>/api/files — the tenant's audio library; /media/{id} — signed, anonymous playback for Twilio and the UI.</summary>
public sealed class FilesModule : ICarterModule
{
    public void AddRoutes(IEndpointRouteBuilder app)
    {
        var group = app.MapTenantApi("/api/files", "Files").RequirePermission(Permissions.ManageFiles);
        var file = group.MapGroup("/{id:long}").RefusesMissing("file");

        group.MapGet("", ListFiles.Handle).ReturnsPage<FileItem>()
            .RefusesBadQuery("file_type, is_active")
            .WithSummary("The library, newest first; filter by file_type, tag, is_active, or search the name and description.");
        group.MapGet("/quota", GetQuota.Handle).Returns<GetQuota.Quota>()
            .WithSummary("Bytes used, the tenant's quota and what remains.");
        group.MapPost("/upload", UploadFile.Handle).Returns<FileItem>(201)
            .Refuses(StatusCodes.Status400BadRequest, ErrorCodes.ValidationError, "no part named file, more than one, or a text field too long or invalid; details name it")
            .Refuses(StatusCodes.Status400BadRequest, ErrorCodes.BadRequest, "the multipart body is malformed or ends early")
            .Refuses(StatusCodes.Status409Conflict, ErrorCodes.QuotaExceeded, "the file would take the tenant over its storage quota")
            .Refuses(StatusCodes.Status413PayloadTooLarge, ErrorCodes.PayloadTooLarge, "the file is larger than the upload limit")
            .Refuses(StatusCodes.Status415UnsupportedMediaType, ErrorCodes.UnsupportedMediaType, "the body is not multipart/form-data, or the file is not MP3, WAV or AIFF audio Twilio can play")
            .WithSummary("Upload an MP3, WAV or AIFF file (multipart/form-data: file, description, tag_list, caller_number).");
        file.MapGet("", GetFile.Handle).Returns<FileItem>()
            .WithSummary("One file's metadata.");
        file.MapPut("", UpdateFile.Handle).Returns<FileItem>()
            .Validate<UpdateFile.Request>()
            .WithSummary("Change the name, description, tags, caller number or active flag.");
        file.MapDelete("", DeleteFile.Handle).Returns<DeleteFile.Deleted>()
            .WithSummary("Delete the file and its bytes.");
        file.MapGet("/download", DownloadFile.Handle).Produces<Stream>(200, "audio/mpeg", "audio/wav", "audio/aiff").Produces<Stream>(206, "audio/mpeg", "audio/wav", "audio/aiff")
            .WithSummary("The file's bytes (Range requests supported).");
        file.MapPost("/play-url", CreatePlayUrl.Handle).Returns<CreatePlayUrl.PlayUrl>()
            .WithSummary("A short-lived signed URL to play the file in a browser audio element.");

        app.MapMethods("/media/{fileId:long}", [HttpMethods.Get, HttpMethods.Head], ServeMedia.Handle)
            .AllowAnonymous()
            .ExcludeFromDescription();
    }
}
