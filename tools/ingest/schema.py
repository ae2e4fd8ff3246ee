"""The canonical data contract (DESIGN.md §3): which fields each table has and which are required."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TableSchema:
    """Canonical fields of one input table; ``aliases`` let common source names map themselves."""

    name: str
    required: tuple[str, ...]
    optional: tuple[str, ...]
    aliases: dict[str, tuple[str, ...]]

    @property
    def fields(self) -> tuple[str, ...]:
        return self.required + self.optional


ORDERS = TableSchema(
    name="orders",
    required=("customer_id", "order_date", "amount"),
    optional=("order_id", "product_id", "product_name", "category", "quantity", "unit_price", "currency",
              "country"),
    aliases={
        "customer_id": ("customerid", "customer", "custid", "clientid", "userid", "buyerid"),
        "order_date": ("date", "orderdate", "invoicedate", "purchasedate", "createdat", "orderedat",
                       "transactiondate"),
        "amount": ("total", "ordertotal", "revenue", "sales", "lineamount", "linetotal", "value",
                   "dollarvalue", "netamount"),
        "order_id": ("orderid", "invoice", "invoiceno", "ordernumber", "transactionid", "orderno"),
        "product_id": ("productid", "sku", "stockcode", "itemid"),
        "product_name": ("productname", "description", "product", "item", "itemname", "title"),
        "category": ("productcategory", "categoryname", "department"),
        "quantity": ("qty", "units", "numberofcds"),
        "unit_price": ("unitprice", "price", "itemprice"),
        "currency": ("currencycode",),
        "country": ("countrycode", "shippingcountry"),
    },
)

CUSTOMERS = TableSchema(
    name="customers",
    required=("customer_id",),
    optional=("name", "email", "phone", "country", "city", "signup_date"),
    aliases={
        "customer_id": ("customerid", "customer", "custid", "clientid", "userid", "id"),
        "name": ("fullname", "customername"),
        "email": ("emailaddress", "mail"),
        "phone": ("phonenumber", "mobile", "telephone"),
        "signup_date": ("signupdate", "createdat", "joined", "registrationdate", "firstseen"),
    },
)

TEXTS = TableSchema(
    name="texts",
    required=("customer_id", "text"),
    optional=("date", "source"),
    aliases={
        "customer_id": ("customerid", "customer", "custid", "clientid", "userid"),
        "text": ("reviewtext", "review", "comment", "body", "message", "content", "note", "feedback"),
        "date": ("createdat", "reviewdate", "timestamp"),
        "source": ("type", "channel", "kind"),
    },
)

SCHEMAS = {schema.name: schema for schema in (ORDERS, CUSTOMERS, TEXTS)}
