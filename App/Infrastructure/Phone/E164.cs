using PhoneNumbers;

namespace App.Infrastructure.Phone;

/// <summary>Phone numbers in, E.164 out (libphonenumber); national numbers are read in the tenant's default region.</summary>
public static class E164
{
    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();

    public sealed record Result(string? E164, string? Error)
    {
        public bool IsValid => E164 is not null;
    }

    public static Result Normalize(string? input, string? defaultRegion)
    {
        if (string.IsNullOrWhiteSpace(input)) return new(null, "A phone number is required.");
        var region = string.IsNullOrWhiteSpace(defaultRegion) ? "US" : defaultRegion.ToUpperInvariant();
        try
        {
            var parsed = Util.Parse(input.Trim(), region);
            if (!Util.IsPossibleNumber(parsed))
                return new(null, $"'{input}' has the wrong number of digits for a phone number.");
            if (!Util.IsValidNumber(parsed))
                return new(null, $"'{input}' is not a valid phone number" + (input.TrimStart().StartsWith('+') ? "." : $" in region {region}; use the +country code form."));
            return new(Util.Format(parsed, PhoneNumberFormat.E164), null);
        }
        catch (NumberParseException exception)
        {
            return new(null, exception.ErrorType switch
            {
                ErrorType.INVALID_COUNTRY_CODE => $"'{input}' has no valid country code; use the +country code form or set the tenant's default region.",
                ErrorType.NOT_A_NUMBER => $"'{input}' is not a phone number.",
                ErrorType.TOO_SHORT_NSN or ErrorType.TOO_SHORT_AFTER_IDD => $"'{input}' is too short to be a phone number.",
                ErrorType.TOO_LONG => $"'{input}' is too long to be a phone number.",
                _ => $"'{input}' is not a valid phone number.",
            });
        }
    }

    public static bool IsSupportedRegion(string? region) =>
        region is not null && Util.GetSupportedRegions().Contains(region.ToUpperInvariant());
}
