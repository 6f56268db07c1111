package com.poclab.trust.integrations.people;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;

import com.poclab.trust.integrations.people.PeopleCsv.Declaration;
import com.poclab.trust.integrations.people.PeopleCsv.Line;
import com.poclab.trust.integrations.people.PeopleCsv.Refused;
import org.junit.jupiter.api.Test;

class PeopleCsvTest {

    private static final String OID = "6f1d4c2e-9b7a-4e31-8c55-0a2b3c4d5e6f";

    private static List<Line> parse(String csv) throws PeopleCsv.Unreadable {
        return PeopleCsv.parse(csv.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void withoutAHeaderTheColumnsAreUpnOidDisplayName() throws Exception {
        List<Line> lines = parse("Alice@Contoso.com," + OID.toUpperCase() + ",Alice Contoso\nbob@contoso.com\n");
        assertEquals(new Declaration(1, "alice@contoso.com", OID, "alice@contoso.com", "Alice Contoso"), lines.get(0));
        assertEquals(new Declaration(2, "bob@contoso.com", null, "bob@contoso.com", null), lines.get(1));
    }

    @Test
    void aBomCrlfAndQuotedFieldsWithCommasQuotesAndLineBreaksAreRead() throws Exception {
        String csv = "\uFEFFupn,entra_oid,display_name\r\n"
                + "\"carol@contoso.com\",,\"Doe, Carol \"\"CJ\"\"\"\r\n"
                + "dave@contoso.com,,\"Dave\r\nSecond line\"\r\n"
                + "erin@contoso.com,,Erin\r\n";
        List<Line> lines = parse(csv);
        assertEquals(new Declaration(2, "carol@contoso.com", null, "carol@contoso.com", "Doe, Carol \"CJ\""), lines.get(0));
        assertEquals(new Declaration(3, "dave@contoso.com", null, "dave@contoso.com", "Dave\r\nSecond line"), lines.get(1));
        assertEquals(5, lines.get(2).line(), "a line break inside quotes counts as a line of the file");
    }

    @Test
    void entrasDownloadUsersFileIsReadByColumnName() throws Exception {
        String csv = "userPrincipalName,displayName,surname,mail,givenName,id,userType\n"
                + "frank@contoso.onmicrosoft.com,Frank Li,Li,frank@contoso.com,Frank," + OID + ",Member\n";
        assertEquals(List.of(new Declaration(2, "frank@contoso.onmicrosoft.com", OID, "frank@contoso.com", "Frank Li")), parse(csv));
    }

    @Test
    void anOktaUsernameWithoutAtSignHasNoEmail() throws Exception {
        assertEquals(List.of(new Declaration(1, "grace.hopper", null, null, "Grace")), parse("Grace.Hopper,,Grace"));
    }

    @Test
    void badLinesAreRefusedOneByOneAndTheOthersKept() throws Exception {
        String csv = "upn,oid,name\n"
                + "ok@contoso.com,,OK\n"
                + "bad-oid@contoso.com,not-a-guid,Bad\n"
                + ",,No UPN\n"
                + "a\"b@contoso.com,,Stray quote\n"
                + "\"c@contoso.com\"x,,After quote\n"
                + "toomany@contoso.com,,A,B\n"
                + "\n"
                + ",,\n"
                + "last@contoso.com,,Last\n";
        List<Line> lines = parse(csv);
        assertEquals(7, lines.size(), "blank lines are skipped: " + lines);
        assertInstanceOf(Declaration.class, lines.get(0));
        Refused badOid = (Refused) lines.get(1);
        assertEquals(3, badOid.line());
        assertEquals("bad-oid@contoso.com", badOid.upn());
        assertTrue(badOid.reason().contains("\u201cnot-a-guid\u201d is not a GUID"), badOid.reason());
        assertEquals("The UPN/email is empty", ((Refused) lines.get(2)).reason());
        assertTrue(((Refused) lines.get(3)).reason().startsWith("A quote inside an unquoted field"));
        assertTrue(((Refused) lines.get(4)).reason().startsWith("Characters follow a closing quote"));
        assertEquals("The line has 4 fields; the header has 3", ((Refused) lines.get(5)).reason());
        assertEquals(new Declaration(10, "last@contoso.com", null, "last@contoso.com", "Last"), lines.get(6));
    }

    @Test
    void aQuoteNeverClosedEndsTheFileWithAnErrorOnItsLine() throws Exception {
        List<Line> lines = parse("a@contoso.com,,A\nb@contoso.com,,\"B\nc@contoso.com,,C\n");
        assertInstanceOf(Declaration.class, lines.get(0));
        assertEquals(2, lines.size());
        assertEquals(2, lines.get(1).line());
        assertTrue(((Refused) lines.get(1)).reason().contains("never closed"));
    }

    @Test
    void positionalLinesWithMoreThanThreeFieldsAreRefused() throws Exception {
        Refused refused = (Refused) parse("a@contoso.com,,A,extra").get(0);
        assertTrue(refused.reason().contains("expected UPN/email, Entra object ID, display name"), refused.reason());
    }

    @Test
    void filesThatCannotBeReadAreRefusedAsAWhole() {
        assertTrue(assertThrows(PeopleCsv.Unreadable.class, () -> PeopleCsv.parse(new byte[] {'a', '@', 'b', ',', ',', (byte) 0xE9}))
                .getMessage().contains("not UTF-8"), "Latin-1 from Excel's plain CSV");
        assertThrows(PeopleCsv.Unreadable.class, () -> parse("\n\r\n"));
        assertTrue(assertThrows(PeopleCsv.Unreadable.class, () -> parse("upn,oid,name\n")).getMessage().contains("no people"));
        PeopleCsv.Unreadable big = assertThrows(PeopleCsv.Unreadable.class, () -> PeopleCsv.parse(new byte[PeopleCsv.MAX_BYTES + 1]));
        assertTrue(big.tooLarge());
        StringBuilder many = new StringBuilder();
        for (int i = 0; i <= PeopleCsv.MAX_ROWS; i++) {
            many.append("p").append(i).append("@contoso.com\n");
        }
        PeopleCsv.Unreadable tooMany = assertThrows(PeopleCsv.Unreadable.class, () -> parse(many.toString()));
        assertTrue(tooMany.tooLarge() && tooMany.getMessage().contains("at most " + PeopleCsv.MAX_ROWS), tooMany.getMessage());
    }

    @Test
    void aRefusedValueIsQuotedWithoutControlCharacters() throws Exception {
        Refused refused = (Refused) parse("a@contoso.com,\"x\u0007y\",A").get(0);
        assertTrue(refused.reason().contains("\u201cx?y\u201d"), refused.reason());
        assertNull(((Declaration) parse("a@contoso.com,,").get(0)).displayName());
    }
}
