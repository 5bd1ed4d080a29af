using FluentValidation;

namespace App.Infrastructure.Web;

/// <summary>
/// Validates the endpoint's request argument of type <typeparamref name="T"/> with its FluentValidation validator
/// and answers 400 VALIDATION_ERROR with one <c>details</c> entry per failing snake_case field.
/// </summary>
public sealed class ValidationFilter<T> : IEndpointFilter where T : class
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var request = context.Arguments.OfType<T>().FirstOrDefault();
        var validator = context.HttpContext.RequestServices.GetService<IValidator<T>>();
        if (request is not null && validator is not null)
        {
            var result = await validator.ValidateAsync(request, context.HttpContext.RequestAborted);
            if (!result.IsValid) return Validation.Problem(result);
        }

        return await next(context);
    }
}

public static class Validation
{
    public static IResult Problem(FluentValidation.Results.ValidationResult result) =>
        Problem(result.Errors
            .GroupBy(e => ToSnakeCase(e.PropertyName))
            .ToDictionary(g => g.Key, g => g.Select(e => e.ErrorMessage).Distinct().ToArray()));

    public static IResult Problem(IDictionary<string, string[]> fields)
    {
        var first = fields.FirstOrDefault();
        var message = fields.Count == 1 && first.Value.Length > 0
            ? first.Value[0]
            : $"The request has {fields.Count} invalid fields.";
        return Api.Error(StatusCodes.Status400BadRequest, ErrorCodes.ValidationError, message, fields);
    }

    public static IResult Problem(string field, string message) =>
        Problem(new Dictionary<string, string[]> { [field] = [message] });

    /// <summary>"VoiceText" → "voice_text", "Settings.AllowedEmbedOrigins[0]" → "settings.allowed_embed_origins[0]".</summary>
    public static string ToSnakeCase(string propertyName) =>
        string.Join('.', propertyName.Split('.').Select(part => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(part)));

    public static RouteHandlerBuilder Validate<T>(this RouteHandlerBuilder builder) where T : class =>
        builder.AddEndpointFilter<ValidationFilter<T>>()
            .Refuses(StatusCodes.Status400BadRequest, ErrorCodes.ValidationError, "a field is missing or invalid; details name each one");
}
