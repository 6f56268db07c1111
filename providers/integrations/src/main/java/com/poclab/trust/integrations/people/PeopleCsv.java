package com.poclab.trust.integrations.people;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a people CSV (RFC 4180: quoted fields, doubled quotes, line breaks inside quotes; UTF-8
 * with or without BOM; CRLF, LF or CR). Without a header the columns are UPN/email, Entra object
 * ID, display name; with a header (recognised by a UPN/username/email column name) columns are
 * found by name, so Entra's own "Download users" file can be uploaded as it is. Keycloak has no
 * CSV reader, hence this class. Each data line becomes a {@link Declaration} or a {@link Refused}
 * line with the reason; only a file that cannot be read at all is refused as a whole.
 */
public final class PeopleCsv {

    /** Largest accepted body: a department of a few thousand people fits many times over. */
    public static final int MAX_BYTES = 1024 * 1024;
    /** Most data lines in one import: each becomes a Keycloak user in one transaction. */
    public static final int MAX_ROWS = 5000;

    private static final Pattern GUID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final List<String> UPN_NAMES = List.of("upn", "userprincipalname", "upnemail", "username");
    private static final List<String> EMAIL_NAMES = List.of("email", "mail", "emailaddress");
    private static final Set<String> OID_NAMES = Set.of("entraoid", "oid", "objectid", "entraobjectid", "id");
    private static final Set<String> NAME_NAMES = Set.of("displayname", "name");

    /** One line of the file, by the number of the line it starts on (the header is line 1). */
    public sealed interface Line permits Declaration, Refused {
        int line();
    }

    /**
     * A person as the file declares them.
     *
     * @param upn lower-cased: the Keycloak username
     * @param oid lower-cased GUID, or null
     * @param email lower-cased, or null
     * @param displayName or null
     */
    public record Declaration(int line, String upn, String oid, String email, String displayName) implements Line {
    }

    /** A line that declares nobody; {@code upn} is what the line named, when it could be read. */
    public record Refused(int line, String upn, String reason) implements Line {
    }

    /** The whole file is unusable (size, encoding, no data, a header without a UPN column). */
    public static final class Unreadable extends Exception {
        private final boolean tooLarge;

        Unreadable(String message, boolean tooLarge) {
            super(message);
            this.tooLarge = tooLarge;
        }

        public boolean tooLarge() {
            return tooLarge;
        }
    }

    private PeopleCsv() {
    }

    public static List<Line> parse(byte[] body) throws Unreadable {
        if (body.length > MAX_BYTES) {
            throw tooLarge();
        }
        String text = decode(body);
        List<Record> records = records(text);
        if (records.isEmpty()) {
            throw new Unreadable("The file holds no people: expected lines of UPN/email, Entra object ID, display name", false);
        }
        Columns columns = Columns.of(records.get(0));
        List<Record> data = columns == null ? records : records.subList(1, records.size());
        if (data.size() > MAX_ROWS) {
            throw new Unreadable("The file has " + data.size() + " people lines; at most " + MAX_ROWS
                    + " are imported at once: split the file", true);
        }
        if (data.isEmpty()) {
            throw new Unreadable("The file has a header but no people under it", false);
        }
        List<Line> lines = new ArrayList<>(data.size());
        for (Record record : data) {
            lines.add(columns == null ? positional(record) : columns.read(record));
        }
        return lines;
    }

    public static Unreadable tooLarge() {
        return new Unreadable("The file is larger than " + (MAX_BYTES / 1024) + " KB: split it (at most " + MAX_ROWS + " people per import)", true);
    }

    private static String decode(byte[] body) throws Unreadable {
        try {
            String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
            return text.startsWith("\uFEFF") ? text.substring(1) : text;
        } catch (CharacterCodingException e) {
            throw new Unreadable("The file is not UTF-8 text: save it as \"CSV UTF-8\"", false);
        }
    }

    /** Without a header: UPN/email, then optionally Entra object ID and display name. */
    private static Line positional(Record record) {
        if (record.error != null) {
            return new Refused(record.line, first(record), record.error);
        }
        List<String> f = record.fields;
        if (f.size() > 3) {
            return new Refused(record.line, first(record), "The line has " + f.size()
                    + " fields; expected UPN/email, Entra object ID, display name (or a header row naming the columns)");
        }
        String upn = f.get(0);
        return declaration(record.line, upn, f.size() > 1 ? f.get(1) : "", upn.contains("@") ? upn : "", f.size() > 2 ? f.get(2) : "");
    }

    private static Line declaration(int line, String upn, String oid, String email, String displayName) {
        String name = upn.toLowerCase(Locale.ROOT);
        if (name.isEmpty()) {
            return new Refused(line, null, "The UPN/email is empty");
        }
        if (!oid.isEmpty() && !GUID.matcher(oid).matches()) {
            return new Refused(line, name, "The Entra object ID \u201c" + printable(oid) + "\u201d is not a GUID (like 00aa00aa-bb11-cc22-dd33-44ee44ee44ee)");
        }
        return new Declaration(line, name, oid.isEmpty() ? null : oid.toLowerCase(Locale.ROOT),
                email.isEmpty() ? null : email.toLowerCase(Locale.ROOT), displayName.isEmpty() ? null : displayName);
    }

    private static String first(Record record) {
        return record.fields.isEmpty() || record.fields.get(0).isEmpty() ? null : record.fields.get(0).toLowerCase(Locale.ROOT);
    }

    /** A value quoted back in a message: cut and without control characters. */
    static String printable(String value) {
        String cleaned = value.replaceAll("\\p{Cntrl}", "?");
        return cleaned.length() > 60 ? cleaned.substring(0, 60) + "\u2026" : cleaned;
    }

    /** Column positions from a header row. */
    private record Columns(int size, int upn, int email, int oid, int name) {

        /** @return null when the first record is not a header */
        static Columns of(Record first) {
            if (first.error != null) {
                return null;
            }
            List<String> names = first.fields.stream().map(Columns::normalize).toList();
            int upn = indexOfAny(names, UPN_NAMES);
            int email = indexOfAny(names, EMAIL_NAMES);
            if (upn < 0 && email < 0) {
                return null;
            }
            int oid = -1;
            int name = -1;
            for (int i = 0; i < names.size(); i++) {
                if (oid < 0 && OID_NAMES.contains(names.get(i))) {
                    oid = i;
                }
                if (name < 0 && NAME_NAMES.contains(names.get(i))) {
                    name = i;
                }
            }
            return new Columns(names.size(), upn, email, oid, name);
        }

        private static int indexOfAny(List<String> names, List<String> wanted) {
            for (String w : wanted) {
                int i = names.indexOf(w);
                if (i >= 0) {
                    return i;
                }
            }
            return -1;
        }

        private static String normalize(String header) {
            return header.toLowerCase(Locale.ROOT).replaceAll("[\\s_\\-/.]", "");
        }

        Line read(Record record) {
            if (record.error != null) {
                return new Refused(record.line, null, record.error);
            }
            List<String> f = record.fields;
            String upnValue = upn >= 0 && upn < f.size() ? f.get(upn) : (email >= 0 && email < f.size() ? f.get(email) : null);
            if (f.size() != size) {
                return new Refused(record.line, upnValue == null || upnValue.isEmpty() ? null : upnValue.toLowerCase(Locale.ROOT),
                        "The line has " + f.size() + " fields; the header has " + size);
            }
            String mail = email >= 0 ? f.get(email) : (upnValue.contains("@") ? upnValue : "");
            return declaration(record.line, upnValue, oid >= 0 ? f.get(oid) : "", mail, name >= 0 ? f.get(name) : "");
        }
    }

    /** One CSV record: its first line, trimmed fields, or why it cannot be read. */
    record Record(int line, List<String> fields, String error) {
    }

    /** RFC 4180 records; blank lines (and lines of empty fields) are skipped. */
    static List<Record> records(String text) {
        List<Record> records = new ArrayList<>();
        int pos = 0;
        int line = 1;
        int length = text.length();
        while (pos < length) {
            int start = line;
            List<String> fields = new ArrayList<>();
            String error = null;
            boolean endOfRecord = false;
            while (!endOfRecord) {
                StringBuilder field = new StringBuilder();
                if (pos < length && text.charAt(pos) == '"') {
                    pos++;
                    boolean closed = false;
                    while (pos < length) {
                        char c = text.charAt(pos);
                        if (c == '"') {
                            if (pos + 1 < length && text.charAt(pos + 1) == '"') {
                                field.append('"');
                                pos += 2;
                                continue;
                            }
                            pos++;
                            closed = true;
                            break;
                        }
                        if (c == '\n' || (c == '\r' && (pos + 1 >= length || text.charAt(pos + 1) != '\n'))) {
                            line++;
                        }
                        field.append(c);
                        pos++;
                    }
                    if (!closed) {
                        records.add(new Record(start, fields, "A quoted field opened on this line is never closed"));
                        return records;
                    }
                    if (pos < length && text.charAt(pos) != ',' && text.charAt(pos) != '\r' && text.charAt(pos) != '\n') {
                        error = "Characters follow a closing quote: a quote inside a field must be doubled (\"\")";
                    }
                } else {
                    while (pos < length && text.charAt(pos) != ',' && text.charAt(pos) != '\r' && text.charAt(pos) != '\n') {
                        char c = text.charAt(pos);
                        if (c == '"' && error == null) {
                            error = "A quote inside an unquoted field: enclose the field in quotes and double the quote (\"\")";
                        }
                        field.append(c);
                        pos++;
                    }
                }
                if (error != null) {
                    // Skip to the end of the physical line; the next line starts a new record.
                    while (pos < length && text.charAt(pos) != '\r' && text.charAt(pos) != '\n') {
                        pos++;
                    }
                }
                fields.add(field.toString().strip());
                if (pos >= length) {
                    endOfRecord = true;
                } else if (text.charAt(pos) == ',') {
                    pos++;
                } else {
                    pos += text.charAt(pos) == '\r' && pos + 1 < length && text.charAt(pos + 1) == '\n' ? 2 : 1;
                    line++;
                    endOfRecord = true;
                }
            }
            if (error != null || fields.stream().anyMatch(f -> !f.isEmpty())) {
                records.add(new Record(start, fields, error));
            }
        }
        return records;
    }
}
