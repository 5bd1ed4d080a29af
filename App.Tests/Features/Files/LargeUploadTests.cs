using System.Net;
using System.Text;
using App.Tests.Support;

namespace App.Tests.Features.Files;

/// <summary>
/// Measures process-wide allocations, so nothing else may run at the same time. Runs over a real socket: the
/// in-memory test server keeps (and allocates for) request body bytes the app never reads, Kestrel does not.
/// </summary>
[CollectionDefinition(nameof(LargeUploadTests), DisableParallelization = true)]
public sealed class LargeUploadCollection;

[Collection(nameof(LargeUploadTests))]
public sealed class LargeUploadTests(KestrelAppFactory factory) : IClassFixture<KestrelAppFactory>
{
    private const long TenMegabytes = 10 * 1024 * 1024;

    [Fact]
    public async Task Ten_megabytes_plus_one_byte_is_413_without_buffering_the_body()
    {
        var tenant = await factory.CreateTenantAsync();
        using var client = Client(tenant);
        // Warm up the same paths (JIT, buffer pools): one small file, one oversized upload. What remains is the cost
        // of a new connection (the 413 closes it), bounded by Kestrel's request buffer, whatever the upload's size.
        await (await client.PostAsync("/api/files/upload", new StreamedUpload(AudioFixtures.Wav(0.5)))).ShouldBeSuccessAsync(201);
        await (await client.PostAsync("/api/files/upload", new StreamedUpload(TenMegabytes + 1))).ShouldBeErrorAsync(413, "PAYLOAD_TOO_LARGE");
        var generated = new StreamedUpload(TenMegabytes + 1);

        var before = GC.GetTotalAllocatedBytes(precise: true);
        var response = await client.PostAsync("/api/files/upload", generated);
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        var error = await response.ShouldBeErrorAsync(413, "PAYLOAD_TOO_LARGE");
        error.GetProperty("details").GetProperty("max_bytes").GetInt64().ShouldBe(TenMegabytes);
        allocated.ShouldBeLessThan(4L * 1024 * 1024, $"the process allocated {allocated:N0} bytes for a {TenMegabytes + 1:N0}-byte upload");
        Directory.EnumerateFiles(factory.IncomingFolder(tenant.Id)).ShouldBeEmpty();
        (await (await client.GetAsync("/api/files")).ShouldBeSuccessAsync()).GetArrayLength().ShouldBe(1);
    }

    [Fact]
    public async Task A_declared_Content_Length_over_the_limit_is_refused_before_anything_is_written()
    {
        var tenant = await factory.CreateTenantAsync();
        using var client = Client(tenant);

        var response = await client.PostAsync("/api/files/upload", new StreamedUpload(TenMegabytes + 512 * 1024, declareLength: true));

        var error = await response.ShouldBeErrorAsync(413, "PAYLOAD_TOO_LARGE");
        error.GetProperty("details").GetProperty("max_bytes").GetInt64().ShouldBe(TenMegabytes);
        Directory.Exists(factory.IncomingFolder(tenant.Id)).ShouldBeFalse("the body was refused on its declared length");
    }

    private HttpClient Client(TestTenant tenant)
    {
        var client = new HttpClient { BaseAddress = factory.BaseAddress };
        client.DefaultRequestHeaders.Add("X-API-Key", tenant.ApiKey);
        return client;
    }

    /// <summary>
    /// A multipart body whose file part is generated on the fly from one reused buffer (chunked, no Content-Length
    /// unless asked), so the test itself holds almost nothing in memory.
    /// </summary>
    private sealed class StreamedUpload : HttpContent
    {
        private const string Boundary = "----switchboard-streamed";
        private readonly byte[] _head = Encoding.ASCII.GetBytes(
            $"--{Boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.wav\"\r\nContent-Type: audio/wav\r\n\r\n");
        private readonly byte[] _tail = Encoding.ASCII.GetBytes($"\r\n--{Boundary}--\r\n");
        private readonly byte[]? _fixed;
        private readonly long _length;
        private readonly bool _declareLength;

        public StreamedUpload(byte[] file) : this(file.Length) => _fixed = file;

        public StreamedUpload(long length, bool declareLength = false)
        {
            _length = length;
            _declareLength = declareLength;
            Headers.TryAddWithoutValidation("Content-Type", $"multipart/form-data; boundary={Boundary}");
        }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(_head);
            if (_fixed is not null)
            {
                await stream.WriteAsync(_fixed);
            }
            else
            {
                var chunk = new byte[64 * 1024];
                for (var i = 0; i < chunk.Length; i++) chunk[i] = (byte)(i * 31);
                for (var remaining = _length; remaining > 0;)
                {
                    var count = (int)Math.Min(chunk.Length, remaining);
                    try
                    {
                        await stream.WriteAsync(chunk.AsMemory(0, count));
                    }
                    catch (Exception exception) when (exception is IOException or OperationCanceledException or ObjectDisposedException)
                    {
                        return; // the server answered and stopped reading, as it should
                    }

                    remaining -= count;
                }
            }

            await stream.WriteAsync(_tail);
        }

        protected override bool TryComputeLength(out long length)
        {
            length = _head.Length + _length + _tail.Length;
            return _declareLength || _fixed is not null;
        }
    }
}
