using System.Text.Json;

namespace App.Tests.Support;

public static class PaginationAssertions
{
    /// <summary>Asserts every field of a list answer's pagination block.</summary>
    public static void ShouldHavePagination(this JsonElement body, int page, int perPage, int totalItems, int totalPages, bool hasNext, bool hasPrev)
    {
        var pagination = body.GetProperty("pagination");
        pagination.GetProperty("page").GetInt32().ShouldBe(page);
        pagination.GetProperty("per_page").GetInt32().ShouldBe(perPage);
        pagination.GetProperty("total_items").GetInt32().ShouldBe(totalItems);
        pagination.GetProperty("total_pages").GetInt32().ShouldBe(totalPages);
        pagination.GetProperty("has_next").GetBoolean().ShouldBe(hasNext);
        pagination.GetProperty("has_prev").GetBoolean().ShouldBe(hasPrev);
    }
}
