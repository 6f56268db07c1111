package com.poclab.trust.benchmark;

import java.util.List;

import io.gatling.javaapi.core.Assertion;
import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.http.HttpProtocolBuilder;

/**
 * What the next Gatling run injects. Gatling instantiates {@link PoclabSimulation} itself, so the
 * runner hands the plan over here: one run at a time, in this JVM.
 */
public record LoadPlan(List<PopulationBuilder> populations, HttpProtocolBuilder protocol, List<Assertion> assertions) {

    private static volatile LoadPlan next;

    static void handOver(LoadPlan plan) {
        next = plan;
    }

    static LoadPlan take() {
        LoadPlan plan = next;
        if (plan == null) {
            throw new IllegalStateException("PoclabSimulation runs from BenchmarkRunner, which sets its load plan");
        }
        next = null;
        return plan;
    }
}
