package io.corvus.config.adapter.rest;

import java.util.Map;

import io.smallrye.config.ConfigMapping;

/**
 * The API's bearer tokens, by name. In a cluster they come from a mounted Secret (one file per
 * property, e.g. {@code corvus.auth.tokens.ops.secret}); the local run generates them. With no
 * token configured, every API call is refused.
 */
@ConfigMapping(prefix = "corvus.auth")
public interface AuthSettings {

    Map<String, Token> tokens();

    interface Token {
        /** {@code admin} (reads and writes) or {@code viewer} (reads). */
        Role role();

        /** The bearer token itself. */
        String secret();
    }

    enum Role { admin, viewer }
}
