"""The exports of `converge demo --base common-names|households`, mapped by hand to one schema,
as a careful user of recordlinkage or Splink would before linking them.

`read(path)` gives a pandas frame with `source` (the path as given), `record_id` (the 1-based
data row, as `converge resolve` and truth.csv number them) and the common columns:

  first_name, surname   lower case, accents and punctuation dropped; a file with one name column
                        is split at its last space, or at the comma of "Surname, First"
  email, handle         lower case (a handle without its @)
  phone, phone_alt      the last 9 digits (so +44 7…, 07… and (07…) agree); phone_alt is the
                        CRM's second number (home_phone) where it has a different mobile
  postcode              upper case, one space before the inward code ("M13 7LZ")
  city, street          lower case, spaces collapsed (street is house number and street)
  dob                   ISO yyyy-mm-dd (from yyyy-mm-dd or dd/mm/yyyy)

Empty values are None. Only the files the two bases write are known: a careful user looks at
each export once, and so does this table.
"""
import functools
import os
import re
import unicodedata

import pandas

COLUMNS = ["first_name", "surname", "email", "phone", "phone_alt", "postcode", "city", "street",
           "dob", "handle"]

# file name → (delimiter, {common column: the export's column, or a tuple joined by a space}).
# `name` is a full name, split into first_name and surname.
EXPORTS = {
    # common-names
    "crm_contacts.csv": (",", {"first_name": "first_name", "surname": "last_name",
                               "email": "email", "phone": "phone", "city": "city",
                               "dob": "date_of_birth", "handle": "social_handle"}),
    "shop_orders.csv": (",", {"name": "Name", "email": "E-mail", "phone": "Telephone",
                              "city": "Town"}),
    "support_tickets.csv": (",", {"name": "contact_name", "email": "contact_email",
                                  "phone": "contact_phone"}),
    "social_profiles.csv": (",", {"handle": "handle", "name": "display_name",
                                  "city": "location"}),
    # households
    "crm_customers.csv": (",", {"first_name": "forename", "surname": "surname",
                                "email": "email", "phone": "mobile", "phone_alt": "home_phone",
                                "street": ("house_no", "street"), "postcode": "postcode",
                                "city": "town", "dob": "date_of_birth"}),
    "web_orders.csv": (",", {"name": "customer_name", "email": "email_address",
                             "phone": "phone", "street": "delivery_address",
                             "postcode": "postcode", "city": "city"}),
    "loyalty_members.csv": (";", {"first_name": "first", "surname": "last", "email": "e_mail",
                                  "phone": "tel", "street": "address_line_1",
                                  "postcode": "zip", "dob": "birthday",
                                  "handle": "instagram"}),
    "support_cases.csv": (",", {"name": "contact_name", "email": "contact_email",
                                "phone": "caller_phone", "postcode": "postcode"}),
    "social_accounts.csv": (",", {"handle": "username", "name": "display_name",
                                  "city": "city"}),
}


@functools.lru_cache(maxsize=None)
def _text(value):
    if not value.isascii():
        value = unicodedata.normalize("NFKD", value)
        value = "".join(c for c in value if not unicodedata.combining(c))
    return " ".join(value.lower().replace("''", "'").split()) or None


@functools.lru_cache(maxsize=None)
def _name(value):
    value = _text(value) or ""
    return re.sub(r"[^a-z \-]", "", value).strip() or None


@functools.lru_cache(maxsize=None)
def _split(full):
    if "," in full:
        surname, _, first = full.partition(",")
        return _name(first), _name(surname)
    parts = full.split()
    if len(parts) == 1:
        return _name(parts[0]), None
    return _name(" ".join(parts[:-1])), _name(parts[-1])


def _phone(value):
    digits = re.sub(r"\D", "", value)
    return digits[-9:] if len(digits) >= 9 else None


def _postcode(value):
    compact = re.sub(r"\s", "", value).upper()
    if len(compact) < 5:
        return compact or None
    return f"{compact[:-3]} {compact[-3:]}"


def _dob(value):
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return value
    match = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", value)
    if match:
        day, month, year = match.groups()
        return f"{year}-{int(month):02}-{int(day):02}"
    return None


CLEAN = {"first_name": _name, "surname": _name, "email": _text, "phone": _phone,
         "phone_alt": _phone, "postcode": _postcode, "city": _text, "street": _text,
         "dob": _dob, "handle": lambda v: _text(v.lstrip("@"))}


def read(path):
    """The export at `path` in the common schema (see the module's doc)."""
    delimiter, mapping = EXPORTS[os.path.basename(path)]
    raw = pandas.read_csv(path, sep=delimiter, dtype=str, keep_default_na=False)
    frame = pandas.DataFrame({"source": path, "record_id": range(1, len(raw) + 1)})
    for column in COLUMNS:
        frame[column] = None
    for column, source in mapping.items():
        if isinstance(source, tuple):
            values = raw[source[0]].str.cat([raw[more] for more in source[1:]], sep=" ")
        else:
            values = raw[source]
        values = [value.strip() for value in values]
        if column == "name":
            split = [_split(value) if value else (None, None) for value in values]
            frame["first_name"] = [first for first, _ in split]
            frame["surname"] = [surname for _, surname in split]
        else:
            clean = CLEAN[column]
            frame[column] = [clean(value) if value else None for value in values]
    # A CRM with a home number only has it as its phone; a second number equal to the first is none.
    alone = frame["phone"].isna() & frame["phone_alt"].notna()
    frame.loc[alone, "phone"] = frame.loc[alone, "phone_alt"]
    frame.loc[alone | (frame["phone_alt"] == frame["phone"]), "phone_alt"] = None
    frame["record_id"] = frame["record_id"].astype(str)
    return frame


def read_all(paths):
    """Every export at `paths`, one frame, with `unique_id` = `source|record_id`."""
    frame = pandas.concat([read(path) for path in paths], ignore_index=True)
    frame["unique_id"] = frame["source"] + "|" + frame["record_id"]
    return frame
