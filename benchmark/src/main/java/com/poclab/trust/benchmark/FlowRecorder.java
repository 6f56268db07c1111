package com.poclab.trust.benchmark;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Every completed round trip of one scenario: when it started and ended, and whether it ended with
 * what the relying party needs (an id_token at Entra, tokens at Okta or the app). A flow is one
 * person's whole round trip, several HTTP requests; Gatling's report shows the requests.
 */
public final class FlowRecorder {

    public record Flow(long startNanos, long endNanos, boolean ok) {
        public double millis() {
            return (endNanos - startNanos) / 1_000_000.0;
        }
    }

    private final String scenario;
    private final ConcurrentLinkedQueue<Flow> flows = new ConcurrentLinkedQueue<>();

    public FlowRecorder(String scenario) {
        this.scenario = scenario;
    }

    public String scenario() {
        return scenario;
    }

    public void record(long startNanos, long endNanos, boolean ok) {
        flows.add(new Flow(startNanos, endNanos, ok));
    }

    /** The flows recorded since the last call. */
    public List<Flow> drain() {
        List<Flow> drained = new ArrayList<>();
        for (Flow flow; (flow = flows.poll()) != null; ) {
            drained.add(flow);
        }
        return drained;
    }
}
