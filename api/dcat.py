"""The DCAT-AP 3.0.1 catalogue of the release as an RDF graph (``api.catalog`` serves it).

One dcat:Dataset per dataset of ``api.datasets.DATASETS`` and one for the source report, a
dcat:Distribution per download (sizes and SHA-256 from ``api.exports``), the REST and GraphQL
APIs as dcat:DataService. Every IRI is made from the base URL and a dataset or file name, never
at random, so two instances behind one host publish the same graph. Nodes that DCAT-AP expects
to be of a class (licence, media types, languages, place …) are typed here, so the catalogue
passes the DCAT-AP SHACL shapes with their class-range checks too.
"""

from collections.abc import Iterable

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, SKOS, XSD

from api.catalog import SERIALIZATIONS
from api.datasets import DATASETS, Dataset
from api.release import Download, Release

DCAT3 = Namespace(str(DCAT))  # DCAT 3 terms (dcat:version) that rdflib's DCAT 2 namespace lacks
SPDX = Namespace("http://spdx.org/rdf/terms#")
GSP = Namespace("http://www.opengis.net/ont/geosparql#")
EU_LANGUAGE = Namespace("http://publications.europa.eu/resource/authority/language/")
EU_FILE_TYPE = Namespace("http://publications.europa.eu/resource/authority/file-type/")
EU_THEME = Namespace("http://publications.europa.eu/resource/authority/data-theme/")
EU_THEMES = URIRef("http://publications.europa.eu/resource/authority/data-theme")
AVAILABLE = URIRef("http://publications.europa.eu/resource/authority/planned-availability/AVAILABLE")
LOCAL_AUTHORITY = URIRef("http://purl.org/adms/publishertype/LocalAuthority")
ATTRIBUTION = URIRef("http://purl.org/adms/licencetype/Attribution")
DCATAP = Namespace("http://data.europa.eu/r5r/")
IANA_MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"

# 慈溪市: DBpedia's resource for the city (GB/T 2260 division code 330282; centroid from the
# same encyclopaedia entry, 30.167 N 121.233 E).
PLACE = URIRef("http://dbpedia.org/resource/Cixi,_Zhejiang")
PLACE_CODE = "330282"
PLACE_CENTROID = "POINT(121.233 30.167)"
GOVERNMENT_HOMEPAGE = URIRef("http://www.cixi.gov.cn/")
STANDARDS = {
    "openapi": URIRef("https://spec.openapis.org/oas/v3.1.0"),
    "graphql": URIRef("https://spec.graphql.org/October2021/"),
    "csv": URIRef("https://www.rfc-editor.org/rfc/rfc4180"),
    "datapackage": URIRef("https://specs.frictionlessdata.io/data-package/"),
}
THEMES = {"GOVE": ("政府和公共部门", "Government and public sector"), "ECON": ("经济和金融", "Economy and finance")}

FORMAT_TITLES = {
    "csv": ("CSV(UTF-8)", "CSV (UTF-8)"),
    "csv-bom": ("CSV(带 BOM 的 UTF-8,供 Excel/WPS 直接打开)", "CSV (UTF-8 with BOM, opens directly in Excel/WPS)"),
    "json": ("JSON 记录数组", "JSON array of records"),
    "ndjson": ("NDJSON(每行一条记录)", "NDJSON (one record per line)"),
    "sqlite": ("SQLite 数据库(全部数据表)", "SQLite database (every table)"),
    "zip": ("全部 CSV 及 datapackage.json 的压缩包", "Zip of every CSV with its datapackage.json"),
    "text": ("报告规范全文(纯文本)", "Canonical text of the report (plain text)"),
}
FILE_TYPES = {"csv": "CSV", "csv-bom": "CSV", "json": "JSON", "zip": "ZIP", "text": "TXT"}
KEYWORDS = (("慈溪", "Cixi"), ("政府工作报告", "government work report"), ("十四五规划", "14th Five-Year Plan"), ("开放数据", "open data"))

JSONLD_CONTEXT = {
    "dcat": str(DCAT), "dct": str(DCTERMS), "dcatap": str(DCATAP), "foaf": str(FOAF), "spdx": str(SPDX),
    "skos": str(SKOS), "rdfs": str(RDFS), "xsd": str(XSD),
}


class CatalogBuilder:
    """Builds the graph of one release as seen from one base URL."""

    def __init__(self, release: Release, downloads: list[Download], base_url: str) -> None:
        self.release = release
        self.downloads = downloads
        self.base = base_url.rstrip("/") + "/"
        self.ns = Namespace(f"{self.base}v1/catalog#")
        self.graph = Graph()
        for prefix, namespace in JSONLD_CONTEXT.items():
            self.graph.bind(prefix, namespace)
        self.publisher = self.ns["agent-cixi-government"]
        self.licence = URIRef(release.licence.url)
        self.distributions: dict[str, URIRef] = {}

    # small helpers ------------------------------------------------------------

    def add(self, subject: URIRef | BNode, predicate: URIRef, *objects: URIRef | BNode | Literal) -> None:
        for value in objects:
            self.graph.add((subject, predicate, value))

    def bilingual(self, subject: URIRef | BNode, predicate: URIRef, zh: str | None, en: str) -> None:
        if zh:
            self.add(subject, predicate, Literal(zh, lang="zh"))
        self.add(subject, predicate, Literal(en, lang="en"))

    def typed(self, node: URIRef, kind: URIRef, label: str | None = None) -> URIRef:
        self.add(node, RDF.type, kind)
        if label:
            self.add(node, RDFS.label, Literal(label))
        return node

    def concept(self, node: URIRef, zh: str, en: str) -> URIRef:
        self.bilingual(self.typed(node, SKOS.Concept), SKOS.prefLabel, zh, en)
        return node

    def url(self, path: str) -> URIRef:
        return URIRef(self.base + path)

    def stamp(self, subject: URIRef) -> None:
        modified = Literal(self.release.last_modified.replace(tzinfo=None).isoformat() + "Z", datatype=XSD.dateTime)
        self.add(subject, DCTERMS.issued, modified)
        self.add(subject, DCTERMS.modified, modified)

    # shared nodes ------------------------------------------------------------------

    def shared_nodes(self) -> None:
        agent = self.typed(self.publisher, FOAF.Agent)
        source = self.release.source
        self.bilingual(agent, FOAF.name, source.issuer_zh, source.issuer_en)
        self.add(agent, FOAF.homepage, self.typed(GOVERNMENT_HOMEPAGE, FOAF.Document))
        self.add(agent, DCTERMS.type, self.concept(LOCAL_AUTHORITY, "地方政府", "Local authority"))
        licence = self.typed(self.licence, DCTERMS.LicenseDocument, self.release.licence.title)
        self.add(licence, DCTERMS.identifier, Literal(self.release.licence.id))
        self.add(licence, DCTERMS.type, self.concept(ATTRIBUTION, "署名", "Attribution"))
        self.concept(AVAILABLE, "可用", "Available")
        self.add(self.typed(EU_THEMES, SKOS.ConceptScheme), DCTERMS.title, Literal("Data theme", lang="en"))
        place = self.typed(PLACE, DCTERMS.Location)
        self.bilingual(place, SKOS.prefLabel, "浙江省宁波市慈溪市", "Cixi, Ningbo, Zhejiang Province, China")
        self.add(place, SKOS.notation, Literal(PLACE_CODE))
        self.add(place, DCAT.centroid, Literal(PLACE_CENTROID, datatype=GSP.wktLiteral))
        for code, label in (("ZHO", "Chinese"), ("ENG", "English")):
            self.typed(EU_LANGUAGE[code], DCTERMS.LinguisticSystem, label)
        for code, (zh, en) in THEMES.items():
            self.add(self.concept(EU_THEME[code], zh, en), SKOS.inScheme, EU_THEMES)
        for standard in STANDARDS.values():
            self.typed(standard, DCTERMS.Standard)

    def common(self, subject: URIRef, *, languages: Iterable[str] = ("ZHO", "ENG")) -> None:
        """What every data dataset shares: publisher, place, time, languages, keywords."""
        self.add(subject, DCTERMS.publisher, self.publisher)
        self.add(subject, DCTERMS.spatial, PLACE)
        self.add(subject, DCTERMS.language, *(EU_LANGUAGE[code] for code in languages))
        for zh, en in KEYWORDS:
            self.bilingual(subject, DCAT.keyword, zh, en)
        period = BNode()
        self.add(period, RDF.type, DCTERMS.PeriodOfTime)
        self.add(period, DCAT.startDate, Literal(str(self.release.temporal_start), datatype=XSD.gYear))
        self.add(period, DCAT.endDate, Literal(str(self.release.temporal_end), datatype=XSD.gYear))
        self.add(subject, DCTERMS.temporal, period)

    # datasets and distributions --------------------------------------------------------

    def distribution(self, download: Download) -> URIRef:
        """The distribution of one file (described once, however many datasets it belongs to)."""
        if download.name in self.distributions:
            return self.distributions[download.name]
        node = self.distributions[download.name] = self.typed(self.ns[f"distribution-{download.name}"], DCAT.Distribution)
        zh, en = FORMAT_TITLES[download.format]
        self.bilingual(node, DCTERMS.title, f"{download.name} — {zh}", f"{download.name} — {en}")
        held = DATASETS[download.dataset] if download.dataset else None
        what_zh, what_en = (held.title_zh, held.title_en) if held else ("全部数据", "the whole release")
        version = self.release.version
        self.bilingual(node, DCTERMS.description, f"{what_zh}:{zh},版本 {version}。", f"{what_en}: {en}, release {version}.")
        self.add(node, DCATAP.availability, AVAILABLE)
        url = self.url(f"v1/downloads/{download.name}")
        self.add(node, DCAT.accessURL, url)
        self.add(node, DCAT.downloadURL, url)
        media_type = download.media_type.split(";")[0].strip()
        self.add(node, DCAT.mediaType, self.typed(URIRef(IANA_MEDIA_TYPES + media_type), DCTERMS.MediaType, media_type))
        if download.format in FILE_TYPES:
            self.add(node, DCTERMS["format"], self.typed(EU_FILE_TYPE[FILE_TYPES[download.format]], DCTERMS.MediaTypeOrExtent))
        self.add(node, DCAT.byteSize, Literal(download.size, datatype=XSD.nonNegativeInteger))
        checksum = BNode()
        self.add(checksum, RDF.type, SPDX.Checksum)
        self.add(checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256)
        self.add(checksum, SPDX.checksumValue, Literal(download.sha256, datatype=XSD.hexBinary))
        self.add(node, SPDX.checksum, checksum)
        if download.format in ("csv", "csv-bom"):
            self.add(node, DCTERMS.conformsTo, STANDARDS["csv"])
        if download.format == "zip":
            self.add(node, DCTERMS.conformsTo, STANDARDS["datapackage"])
        if download.format != "text":
            self.add(node, DCTERMS.license, self.licence)
        self.stamp(node)
        return node

    def dataset(self, dataset: Dataset, source_dataset: URIRef) -> URIRef:
        node = self.typed(self.ns[f"dataset-{dataset.path}"], DCAT.Dataset)
        self.add(node, DCTERMS.identifier, Literal(dataset.name))
        self.bilingual(node, DCTERMS.title, dataset.title_zh, dataset.title_en)
        self.bilingual(node, DCTERMS.description, dataset.description_zh, dataset.description_en)
        self.bilingual(node, DCAT.keyword, dataset.title_zh, dataset.title_en)
        self.common(node)
        self.add(node, DCAT.theme, EU_THEME.GOVE, EU_THEME.ECON)
        self.add(node, DCTERMS.license, self.licence)
        self.add(node, DCTERMS.source, source_dataset)
        self.add(node, DCAT3.version, Literal(self.release.version))
        self.add(node, DCAT.landingPage, self.typed(self.url(f"v1/{dataset.path}"), FOAF.Document))
        self.stamp(node)
        for download in self.downloads:
            if download.dataset == dataset.name or download.format in ("sqlite", "zip"):
                self.add(node, DCAT.distribution, self.distribution(download))
        return node

    def source_dataset(self) -> URIRef:
        source = self.release.source
        node = self.typed(self.ns[f"dataset-report-{source.id}"], DCAT.Dataset)
        self.add(node, DCTERMS.identifier, Literal(source.id))
        self.bilingual(node, DCTERMS.title, source.title_zh, source.title_en)
        self.bilingual(
            node,
            DCTERMS.description,
            f"{source.issuer_zh}《{source.title_zh}》的规范全文。本目录各数据集的引文和字符位置均以此文本为准。",
            f"The canonical text of the {source.title_en} by the {source.issuer_en}. "
            "Every quote and character offset of this catalogue's datasets refers to it.",
        )
        self.common(node, languages=("ZHO",))
        self.add(node, DCAT.theme, EU_THEME.GOVE)
        self.add(node, DCTERMS.creator, self.publisher)
        self.add(node, DCTERMS.issued, Literal(str(source.year), datatype=XSD.gYear))
        self.add(node, DCAT.landingPage, self.typed(self.url(f"v1/reports/{source.id}"), FOAF.Document))
        rights = BNode()
        self.add(rights, RDF.type, DCTERMS.RightsStatement)
        official_zh = f"{source.issuer_zh}的官方文件,原文照录。"
        official_en = f"An official document of the {source.issuer_en}, reproduced verbatim."
        self.bilingual(rights, RDFS.label, official_zh, official_en)
        self.add(node, DCTERMS.rights, rights)
        for download in self.downloads:
            if download.format == "text":
                self.add(node, DCAT.distribution, self.distribution(download))
        return node

    def service(self, key: str, endpoint: str, titles: tuple[str, str], datasets: list[URIRef], description: str | None = None) -> URIRef:
        node = self.typed(self.ns[f"service-{key}"], DCAT.DataService)
        self.bilingual(node, DCTERMS.title, *titles)
        self.add(node, DCAT.endpointURL, self.url(endpoint))
        if description:
            self.add(node, DCAT.endpointDescription, self.url(description))
        self.add(node, DCTERMS.conformsTo, STANDARDS[key if key == "graphql" else "openapi"])
        self.add(node, DCAT.theme, EU_THEME.GOVE)
        for zh, en in KEYWORDS:
            self.bilingual(node, DCAT.keyword, zh, en)
        self.add(node, DCAT.servesDataset, *datasets)
        self.add(node, DCTERMS.publisher, self.publisher)
        self.add(node, DCTERMS.license, self.licence)
        return node

    def build(self) -> Graph:
        self.shared_nodes()
        catalog = self.typed(self.ns.catalog, DCAT.Catalog)
        source = self.release.source
        self.bilingual(catalog, DCTERMS.title, f"{source.title_zh}开放数据目录", f"{source.title_en}: open-data catalogue")
        self.bilingual(
            catalog,
            DCTERMS.description,
            f"《{source.title_zh}》中的每一项事实,作为中英双语、可引用的结构化记录发布,"
            f"并附原文引文和字符位置。版本 {self.release.version}。",
            f"Every fact of the {source.title_en} as bilingual, citable records, each with its verbatim quote "
            f"and character offsets. Release {self.release.version}.",
        )
        self.add(catalog, DCTERMS.publisher, self.publisher)
        self.add(catalog, DCTERMS.license, self.licence)
        self.add(catalog, DCTERMS.spatial, PLACE)
        self.add(catalog, DCTERMS.language, EU_LANGUAGE.ZHO, EU_LANGUAGE.ENG)
        self.add(catalog, FOAF.homepage, self.typed(URIRef(self.base), FOAF.Document))
        self.add(catalog, DCAT.themeTaxonomy, EU_THEMES)
        self.stamp(catalog)
        report = self.source_dataset()
        datasets = [report] + [self.dataset(dataset, report) for dataset in DATASETS.values()]
        self.add(catalog, DCAT.dataset, *datasets)
        rest = self.service("rest", "v1", ("开放数据 REST 接口", "Open-data REST API"), datasets, "openapi.json")
        graphql = self.service("graphql", "graphql", ("开放数据 GraphQL 接口", "Open-data GraphQL API"), datasets)
        self.add(catalog, DCAT.service, rest, graphql)
        return self.graph


def catalog_graph(release: Release, downloads: list[Download], base_url: str) -> Graph:
    """The DCAT-AP catalogue of ``release`` with every IRI under ``base_url``."""
    return CatalogBuilder(release, downloads, base_url).build()


def serialize(graph: Graph, media_type: str) -> bytes:
    if media_type == "application/ld+json":
        return graph.serialize(format="json-ld", context=JSONLD_CONTEXT, auto_compact=True, indent=2).encode()
    return graph.serialize(format=SERIALIZATIONS[media_type], encoding="utf-8")
