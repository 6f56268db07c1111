package com.poclab.trust.integrations.check;

/** One rule of "Check configuration": what was checked, whether it holds, what we saw, how to fix it. */
public final class CheckResult {

    private final String rule;
    private final boolean passed;
    private final String detail;
    private final String fix;

    private CheckResult(String rule, boolean passed, String detail, String fix) {
        this.rule = rule;
        this.passed = passed;
        this.detail = detail;
        this.fix = fix;
    }

    public static CheckResult pass(String rule, String detail) {
        return new CheckResult(rule, true, detail, null);
    }

    public static CheckResult fail(String rule, String detail, String fix) {
        return new CheckResult(rule, false, detail, fix);
    }

    public static CheckResult of(boolean passed, String rule, String detail, String fix) {
        return passed ? pass(rule, detail) : fail(rule, detail, fix);
    }

    public String getRule() {
        return rule;
    }

    public boolean isPassed() {
        return passed;
    }

    public String getDetail() {
        return detail;
    }

    public String getFix() {
        return fix;
    }
}
