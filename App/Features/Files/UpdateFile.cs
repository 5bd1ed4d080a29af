using App.Infrastructure.Phone;
using App.Features.Audit;
using System.Text.Json.Serialization;
using FluentValidation;

namespace App.Features.Files;

/// <summary>
/// PUT /api/files/{id} — change the display name, description, tags, caller number (normalised to E.164 in the
/// tenant's default region) and active flag. A field left out keeps its value; "" (or [] for tags) clears it.
/// <c>tag_list</c> is an array or, as the column is, one comma-separated string.
/// </summary>
public static class UpdateFile
{
    public sealed record Request(
        string? Filename,
        string? Description,
        [property: JsonConverter(typeof(CommaSeparatedListConverter))] IReadOnlyList<string>? TagList,
        string? CallerNumber,
        bool? IsActive);

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.Filename).Must(name => name!.Trim().Trim('.').Length > 0).When(r => r.Filename is not null)
                .WithMessage("The file name cannot be empty.");
            RuleFor(r => r.Filename).MaximumLength(FileNames.MaxLength);
            RuleFor(r => r.Description).MaximumLength(UploadFile.MaxDescriptionLength);
            RuleFor(r => r.TagList).Must(tags => Tags.Problem(Tags.Tidy(tags)) is null).When(r => r.TagList is not null)
                .WithMessage(r => Tags.Problem(Tags.Tidy(r.TagList))!);
            RuleFor(r => r.CallerNumber).MaximumLength(40);
        }
    }

    private const string Sql = $"""
        UPDATE voice_files SET
            filename = COALESCE(@Filename, filename),
            description = CASE WHEN @KeepDescription THEN description ELSE @Description END,
            tag_list = CASE WHEN @KeepTags THEN tag_list ELSE @TagList END,
            caller_number = CASE WHEN @KeepCallerNumber THEN caller_number ELSE @CallerNumber END,
            is_active = COALESCE(@IsActive, is_active),
            updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')
        WHERE id = @Id AND tenant_id = @TenantId
        RETURNING {FileRow.Columns}
        """;

    public static async Task<IResult> Handle(long id, Request request, CurrentTenant tenant, Db db, TenantDirectory directory, HttpContext http,
        CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var before = await connection.QuerySingleOrDefaultAsync<FileRow>(FileRow.FindSql, new { id, tenantId = tenant.Id });
        if (before is null) return Api.NotFound("file");

        string? callerNumber = null;
        if (!string.IsNullOrWhiteSpace(request.CallerNumber))
        {
            var settings = await directory.SettingsAsync(tenant.Id, ct) ?? new TenantSettings();
            var normalized = E164.Normalize(request.CallerNumber, settings.DefaultRegion);
            if (!normalized.IsValid) return Validation.Problem("caller_number", normalized.Error!);
            callerNumber = normalized.E164;
        }

        var row = await connection.QuerySingleOrDefaultAsync<FileRow>(Sql, new
        {
            Id = id,
            TenantId = tenant.Id,
            Filename = request.Filename is null ? null : FileNames.ForDisplay(request.Filename, ""),
            KeepDescription = request.Description is null,
            Description = string.IsNullOrWhiteSpace(request.Description) ? null : request.Description.Trim(),
            KeepTags = request.TagList is null,
            TagList = Tags.Store(Tags.Tidy(request.TagList)),
            KeepCallerNumber = request.CallerNumber is null,
            CallerNumber = callerNumber,
            request.IsActive,
        });
        if (row is null) return Api.NotFound("file");
        AuditChanges.Record(http, FileItem.From(before), FileItem.From(row));
        return Api.Ok(FileItem.From(row), "File updated.");
    }
}
