package com.poclab.trust.it;

/**
 * The realms under test come from realm-export/, the same JSON the run command imports.
 * Every test class declares them identically, so the framework creates each once per run:
 * {@code @InjectRealm(ref = PoclabRealms.EAM, fromJson = PoclabRealms.EAM_JSON, lifecycle = LifeCycle.GLOBAL)}.
 */
public final class PoclabRealms {
    public static final String EAM = "eam";
    public static final String EAM_JSON = "/realms/eam-realm.json";
    public static final String OKTA = "okta";
    public static final String OKTA_JSON = "/realms/okta-realm.json";

    private PoclabRealms() {
    }
}
