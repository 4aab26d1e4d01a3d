# syntax=docker/dockerfile:1
#
# gleaner in a container: a static binary (CGO_ENABLED=0: modernc.org/sqlite
# is pure Go) on distroless/static, run as the image's non-root user.
#
#   docker build -t gleaner --build-arg VERSION=$(git describe --tags --always) .
#   docker run -d --name gleaner -p 8080:8080 \
#     -v gleaner-data:/var/lib/gleaner \
#     -v "$PWD/config:/etc/gleaner:ro" gleaner
#
# Mount the config's directory, not the file: editors and `gleaner sources add`
# replace the file, and a single-file bind mount would keep showing the old one.
# The image's default config (deploy/gleaner.example.toml, listening on all
# interfaces) is used when nothing is mounted there.

FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
# The binary carries the zone database (cmd/gleaner imports time/tzdata):
# sources' timezone = "Asia/Seoul" works whatever the base image carries.
RUN CGO_ENABLED=0 go build -trimpath \
      -ldflags "-s -w -X main.version=${VERSION}" -o /out/gleaner ./cmd/gleaner
# The example config, made to listen on every interface of the container.
RUN mkdir -p /out/etc/gleaner /out/var/lib/gleaner \
 && sed 's/^listen = .*/listen = "0.0.0.0:8080"/; s|^base_url = "http://127.0.0.1:8080/"|base_url = "http://localhost:8080/"|' \
      deploy/gleaner.example.toml > /out/etc/gleaner/gleaner.toml \
 && /out/gleaner check -config /out/etc/gleaner/gleaner.toml

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/gleaner /usr/local/bin/gleaner
COPY --from=build /out/etc/gleaner /etc/gleaner
# A new named volume starts as a copy of this directory, owned by nonroot.
COPY --from=build --chown=65532:65532 /out/var/lib/gleaner /var/lib/gleaner
ENV GLEANER_CONFIG=/etc/gleaner/gleaner.toml
VOLUME /var/lib/gleaner
WORKDIR /var/lib/gleaner
EXPOSE 8080
USER 65532:65532
# docker stop sends SIGTERM: gleaner finishes its save and closes the database.
# docker kill -s HUP reloads the config.
ENTRYPOINT ["/usr/local/bin/gleaner"]
CMD ["run"]
