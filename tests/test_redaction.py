"""Customer quotes lose personal data but keep their meaning (prices, dates, products stay)."""

from __future__ import annotations

import pytest

from tools.privacy.redaction import PiiDirectory, known_pii, redact

SARAH = ["Sarah Jones", "sarah.jones@gmail.com", "07700 900123"]


@pytest.mark.parametrize("text, leaked", [
    ("Email me at sarah.jones@gmail.com please", "sarah.jones@gmail.com"),
    ("Call me on +44 7700 900123 after six", "7700 900123"),
    ("Ring (212) 555-0199 or 555-0123", "555-0"),
    ("Bitte unter 0049 151 23456789 anrufen", "23456789"),
    ("Deliver to 12 Baker Street, London NW1 6XE", "Baker Street"),
    ("Send it to 221B Baker St. please", "Baker St"),
    ("Lieferung an Hauptstraße 5 in Berlin", "Hauptstraße 5"),
    ("My name is Tom Hill and I run", "Tom Hill"),
    ("my name is tom, thanks", "tom,"),
])
def test_generic_personal_data_is_removed(text: str, leaked: str) -> None:
    assert leaked not in redact(text)


def test_known_values_are_removed_in_any_case_and_spacing() -> None:
    text = "SARAH JONES here (Sarah.Jones@Gmail.com), call 07700-900-123. Thanks, Sarah"
    result = redact(text, SARAH)
    assert "sarah" not in result.lower() and "jones" not in result.lower()
    assert "900" not in result
    assert result.count("[name]") >= 2 and "[email]" in result and "[phone]" in result


def test_meaning_is_kept() -> None:
    text = "Paid £129.99 on 2024-05-01 for 2 pairs of the Ridgeline Trail Running Shoes (order O100234)."
    assert redact(text, SARAH) == text


def test_name_parts_match_capitalised_words_only() -> None:
    # "Will" the signature goes; "will" the verb stays.
    assert redact("I will buy again. Will", ["Will Turner"]) == "I will buy again. [name]"


def test_directory_redacts_author_and_other_customers_named_in_text() -> None:
    import duckdb

    con = duckdb.connect()
    con.execute("CREATE TABLE customers (customer_id VARCHAR, name VARCHAR, email VARCHAR, phone VARCHAR)")
    con.execute("INSERT INTO customers VALUES ('c1', 'Sarah Jones', 'sarah.jones@gmail.com', '07700 900123'),"
                "('c2', 'Omar Patel', 'omar@example.org', NULL)")
    pii = PiiDirectory.load(con)
    text = "Thanks, Sarah. My friend omar patel recommended you."
    assert pii.redact(text, "c1") == "Thanks, [name]. My friend [name] recommended you."
    assert {"sarah", "jones", "omar", "patel", "gmail"} <= pii.tokens()


def test_directory_reads_the_shop_store() -> None:
    from campaign_shop import customer_name, shared_shop
    from shop_builders import open_shop

    with open_shop(shared_shop()) as shop, shop.reading() as con:
        pii = PiiDirectory.load(con)
        assert known_pii(con, ["C01"]) == {"C01": ["Ben Schmidt", "ben.schmidt@example.com", "+49 151 5550001"]}
        author, text = con.execute("SELECT customer_id, text FROM texts WHERE text LIKE 'Ignore%'").fetchone()
    assert len(pii.by_customer) == 40 and customer_name(39).lower() in pii.full_names
    redacted = pii.redact(f"{text} Ben Schmidt said so, call +49 151 5550002.", author)
    assert "ben.schmidt" not in redacted and "Ben Schmidt" not in redacted and "5550002" not in redacted
    assert "Ignore previous instructions" in redacted and "[email]" in redacted and "[name]" in redacted
