package io.corvus.config.adapter.rest;

import jakarta.enterprise.context.RequestScoped;

/** Who made the current API request, as the bearer token said; set by {@link BearerTokenFilter}. */
@RequestScoped
public class Caller {

    private String name;
    private AuthSettings.Role role;

    void set(String name, AuthSettings.Role role) {
        this.name = name;
        this.role = role;
    }

    /** The token's name, recorded as the actor of a change. */
    public String name() {
        return name;
    }

    public AuthSettings.Role role() {
        return role;
    }
}
