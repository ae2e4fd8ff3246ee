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


# Source names that map themselves, matched after lower-casing and dropping accents, spaces and punctuation
# ("Numéro client" matches "numeroclient"). English first, then German, French, Spanish, Italian, Dutch and
# Portuguese exports. A name is listed only where it means that field and nothing else.
_CUSTOMER_ID = ("customerid", "customer", "custid", "clientid", "userid", "buyerid", "customerno", "customernumber",
                "customernr", "accountid", "memberid", "kundennummer", "kundenid", "kundennr", "kdnr", "kunde",
                "kundeid", "idclient", "numeroclient", "numerodeclient", "codeclient", "client", "idcliente",
                "numerodecliente", "codigocliente", "cliente", "codicecliente", "idcliente", "klantnummer", "klantid",
                "klant", "codigodocliente")
_COUNTRY = ("countrycode", "shippingcountry", "land", "lieferland", "pays", "pais", "paese", "nazione")

ORDERS = TableSchema(
    name="orders",
    required=("customer_id", "order_date", "amount"),
    optional=("order_id", "product_id", "product_name", "category", "quantity", "unit_price", "currency",
              "country"),
    aliases={
        "customer_id": _CUSTOMER_ID,
        "order_date": ("date", "orderdate", "invoicedate", "purchasedate", "createdat", "orderedat",
                       "transactiondate", "bestelldatum", "datum", "rechnungsdatum", "kaufdatum", "auftragsdatum",
                       "datecommande", "datedecommande", "datedachat", "datefacture", "fecha", "fechapedido",
                       "fechadepedido", "fechacompra", "fechadecompra", "dataordine", "dataacquisto", "datapedido",
                       "datadopedido", "data", "besteldatum", "orderdatum", "factuurdatum"),
        "amount": ("total", "ordertotal", "revenue", "sales", "lineamount", "linetotal", "value", "dollarvalue",
                   "netamount", "amountpaid", "grandtotal", "gesamtbetrag", "betrag", "summe", "umsatz",
                   "gesamtpreis", "rechnungsbetrag", "bruttobetrag", "nettobetrag", "montant", "montanttotal",
                   "totalttc", "montantttc", "importe", "importetotal", "monto", "montototal", "totalpedido",
                   "importo", "importototale", "valor", "valortotal", "bedrag", "totaalbedrag", "omzet"),
        "order_id": ("orderid", "invoice", "invoiceno", "ordernumber", "transactionid", "orderno", "invoicenumber",
                     "bestellnummer", "rechnungsnummer", "auftragsnummer", "bestellnr", "numerocommande",
                     "numerodecommande", "commande", "numerofacture", "numeropedido", "pedido", "numeroordine",
                     "ordine", "bestelnummer", "factuurnummer", "numerodopedido"),
        "product_id": ("productid", "sku", "stockcode", "itemid", "productcode", "artikelnummer", "artikelnr",
                       "artikelid", "refproduit", "referenceproduit", "codigoproducto", "codiceprodotto",
                       "artikelcode", "codigodoproduto"),
        "product_name": ("productname", "description", "product", "item", "itemname", "title", "artikel",
                         "artikelname", "produkt", "produktname", "bezeichnung", "artikelbezeichnung", "produit",
                         "nomproduit", "libelle", "designation", "producto", "nombreproducto", "descripcion",
                         "prodotto", "nomeprodotto", "descrizione", "omschrijving", "productnaam", "produto",
                         "nomedoproduto"),
        "category": ("productcategory", "categoryname", "department", "kategorie", "warengruppe",
                     "produktkategorie", "categorie", "rayon", "categoria", "famille"),
        "quantity": ("qty", "units", "numberofcds", "menge", "anzahl", "stuck", "stueck", "stuckzahl", "quantite",
                     "qte", "cantidad", "quantita", "aantal", "quantidade"),
        "unit_price": ("unitprice", "price", "itemprice", "preis", "einzelpreis", "stuckpreis", "stueckpreis",
                       "prixunitaire", "prix", "preciounitario", "precio", "prezzounitario", "prezzo", "prijs",
                       "stukprijs", "precounitario", "preco"),
        "currency": ("currencycode", "wahrung", "waehrung", "devise", "moneda", "valuta", "moeda"),
        "country": _COUNTRY,
    },
)

CUSTOMERS = TableSchema(
    name="customers",
    required=("customer_id",),
    optional=("name", "email", "phone", "country", "city", "signup_date"),
    aliases={
        "customer_id": (*_CUSTOMER_ID, "id"),
        "name": ("fullname", "customername", "kundenname", "vollername", "nom", "nomcomplet", "nombre",
                 "nombrecompleto", "nome", "nomecompleto", "naam", "volledigenaam"),
        "email": ("emailaddress", "mail", "emailadresse", "courriel", "adressemail", "correo",
                  "correoelectronico", "posta", "postaelettronica"),
        "phone": ("phonenumber", "mobile", "telephone", "telefon", "telefonnummer", "handy", "tel", "telefono",
                  "telefone", "telefoon", "portable"),
        "country": _COUNTRY,
        "city": ("town", "ort", "stadt", "wohnort", "ville", "ciudad", "citta", "stad", "cidade", "woonplaats"),
        "signup_date": ("signupdate", "createdat", "joined", "registrationdate", "firstseen",
                        "registrierungsdatum", "anmeldedatum", "dateinscription", "fechaderegistro",
                        "fecharegistro", "dataregistrazione", "datadecadastro"),
    },
)

TEXTS = TableSchema(
    name="texts",
    required=("customer_id", "text"),
    optional=("date", "source"),
    aliases={
        "customer_id": _CUSTOMER_ID,
        "text": ("reviewtext", "review", "comment", "body", "message", "content", "note", "feedback", "bewertung",
                 "kommentar", "rezension", "nachricht", "avis", "commentaire", "texte", "resena", "comentario",
                 "opinion", "recensione", "commento", "testo", "recensie", "opmerking", "tekst", "avaliacao",
                 "texto"),
        "date": ("createdat", "reviewdate", "timestamp", "datum", "fecha", "data", "datereview"),
        "source": ("type", "channel", "kind", "quelle", "kanal", "canal", "fuente", "fonte", "bron"),
    },
)

SCHEMAS = {schema.name: schema for schema in (ORDERS, CUSTOMERS, TEXTS)}
