package com.poclab.trust.integrations.people;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What an import did, line by line: the JSON answer of the REST endpoint and the table on the page. */
public final class ImportReport {

    public enum Status { CREATED, UPDATED, UNCHANGED, ERROR;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** One line of the file and its outcome. */
    public static final class LineResult {
        private final int line;
        private final String upn;
        private final Status status;
        private final String message;

        LineResult(int line, String upn, Status status, String message) {
            this.line = line;
            this.upn = upn;
            this.status = status;
            this.message = message;
        }

        public int getLine() {
            return line;
        }

        public String getUpn() {
            return upn;
        }

        public String getStatus() {
            return status.label();
        }

        public String getMessage() {
            return message;
        }
    }

    private final String realm;
    private final List<LineResult> lines = new ArrayList<>();

    ImportReport(String realm) {
        this.realm = realm;
    }

    void add(int line, String upn, Status status, String message) {
        lines.add(new LineResult(line, upn, status, message));
    }

    public String getRealm() {
        return realm;
    }

    public List<LineResult> getLines() {
        return lines;
    }

    public long count(Status status) {
        return lines.stream().filter(l -> l.status == status).count();
    }

    public long getCreated() {
        return count(Status.CREATED);
    }

    public long getUpdated() {
        return count(Status.UPDATED);
    }

    public long getUnchanged() {
        return count(Status.UNCHANGED);
    }

    public long getErrors() {
        return count(Status.ERROR);
    }

    /** Counts only: what the import's admin event records (the per-person events name the people). */
    public Map<String, Object> summary() {
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("realm", realm);
        summary.put("lines", lines.size());
        for (Status status : Status.values()) {
            summary.put(status == Status.ERROR ? "errors" : status.label(), count(status));
        }
        return summary;
    }

    /** The REST answer: the summary, then every line. */
    public Map<String, Object> toJson() {
        Map<String, Object> json = summary();
        List<Map<String, Object>> out = new ArrayList<>();
        for (LineResult l : lines) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("line", l.line);
            entry.put("upn", l.upn);
            entry.put("status", l.getStatus());
            entry.put("message", l.message);
            out.add(entry);
        }
        json.put("results", out);
        return json;
    }
}
