# Switchboard: the same steps as the README, in three stages.
# 1. web: the admin SPA (what building App runs: npm ci + npm run build, output App/wwwroot)
FROM node:20-bookworm-slim AS web
WORKDIR /src/web
COPY web/package.json web/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY web/ ./
RUN npm run build

# 2. build: publish App with the SPA bundle from stage 1 (SkipSpaBuild: it is already built)
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY Directory.Build.props Directory.Packages.props App.sln ./
COPY App/App.csproj App/
# ReadyToRun: App and its packages compiled ahead of time for linux-x64, which takes a third off the start
# (bench/README.md, "Performance at load"); framework-dependent as before, on the aspnet runtime image.
RUN dotnet restore App/App.csproj -r linux-x64 -p:PublishReadyToRun=true
COPY App/ App/
COPY --from=web /src/App/wwwroot App/wwwroot
RUN dotnet publish App/App.csproj -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -p:UseAppHost=false \
    -o /out --no-restore -p:SkipSpaBuild=true

# Litestream (not a Debian package): its release binary, used only when LITESTREAM_REPLICA_URL is set.
FROM debian:bookworm-slim AS litestream
ARG LITESTREAM_VERSION=0.3.13
ARG TARGETARCH=amd64
ADD https://github.com/benbjohnson/litestream/releases/download/v${LITESTREAM_VERSION}/litestream-v${LITESTREAM_VERSION}-linux-${TARGETARCH}.tar.gz /tmp/litestream.tar.gz
RUN tar -C /usr/local/bin -xzf /tmp/litestream.tar.gz litestream && /usr/local/bin/litestream version

# 3. runtime: ASP.NET runtime only, non-root, data on the /data volume
FROM mcr.microsoft.com/dotnet/aspnet:10.0
# mdbtools: `dotnet App.dll legacy import` reads the legacy Access file with it
RUN apt-get update \
    && apt-get install -y --no-install-recommends mdbtools \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /out ./
COPY --from=litestream /usr/local/bin/litestream /usr/local/bin/litestream
COPY litestream.yml /etc/litestream.yml
COPY --chmod=755 docker-entrypoint.sh /app/docker-entrypoint.sh
RUN mkdir -p /data && chown app:app /data
USER app
ENV ASPNETCORE_ENVIRONMENT=Production \
    ASPNETCORE_URLS=http://+:8080 \
    App__DataDirectory=/data \
    DOTNET_NOLOGO=1
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["dotnet", "App.dll", "health-check", "http://127.0.0.1:8080/health"]
# Plain `dotnet App.dll` unless Litestream is configured (see docker-entrypoint.sh).
ENTRYPOINT ["/app/docker-entrypoint.sh"]
