package io.corvus.config.adapter.rest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.inject.Inject;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Every {@code /api} request needs {@code Authorization: Bearer <token>}: a viewer token may
 * read, an admin token may also write. Tokens are compared by their SHA-256 digests with a
 * constant-time comparison, so neither their content nor their length leaks through timing.
 */
public class BearerTokenFilter {

    private record KnownToken(String name, AuthSettings.Role role, byte[] digest) {
    }

    private final List<KnownToken> tokens;

    @Inject
    Caller caller;

    BearerTokenFilter(AuthSettings settings) {
        this.tokens = settings.tokens().entrySet().stream()
                .map(e -> new KnownToken(e.getKey(), e.getValue().role(), digest(e.getValue().secret())))
                .toList();
    }

    @ServerRequestFilter
    public Optional<Response> authenticate(ContainerRequestContext request) {
        if (!request.getUriInfo().getPath().startsWith("/api/")) {
            return Optional.empty();
        }
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.of(Problems.unauthorized(request, "send Authorization: Bearer <token>"));
        }
        byte[] presented = digest(header.substring(7).trim());
        KnownToken match = null;
        for (KnownToken token : tokens) { // no early exit: every request costs the same
            if (MessageDigest.isEqual(token.digest(), presented)) {
                match = token;
            }
        }
        if (match == null) {
            return Optional.of(Problems.unauthorized(request, tokens.isEmpty()
                    ? "this service has no API tokens configured (corvus.auth.tokens.<name>.secret)"
                    : "the bearer token is not valid"));
        }
        boolean reading = HttpMethod.GET.equals(request.getMethod()) || HttpMethod.HEAD.equals(request.getMethod());
        if (!reading && match.role() != AuthSettings.Role.admin) {
            return Optional.of(Problems.of(Response.Status.FORBIDDEN, "forbidden", "Not allowed",
                    "token '" + match.name() + "' has role " + match.role() + ", which may only read; changes need an admin token",
                    request, Map.of()));
        }
        caller.set(match.name(), match.role());
        return Optional.empty();
    }

    private static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
