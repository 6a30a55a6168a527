"""What a GraphQL request may ask, checked before any resolver runs (so before any SQL):
the document's size in bytes and in tokens, its depth, aliases and directives, and how many
records it could make the API read (its node count, as GitHub's GraphQL API limits it).
A document over a limit gets one GraphQL error that names the limit; nothing is executed.

The validation rules are built once, so that the validation cache (keyed by the rules as well
as the document) answers a document it has seen without validating it again.
"""

from collections.abc import Callable
from typing import Any, NamedTuple

from graphql import (
    DirectiveNode,
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLObjectType,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
    get_named_type,
    get_nullable_type,
    is_list_type,
)
from graphql.utilities import type_from_ast
from strawberry.extensions import AddValidationRules, MaxTokensLimiter, SchemaExtension, max_aliases, query_depth_limiter

from api import queries

MAX_DOCUMENT_BYTES = 16 * 1024
MAX_TOKENS = 5000
MAX_DEPTH = 10
MAX_ALIASES = 30
MAX_DIRECTIVES = 50
MAX_NODES = 50_000
MAX_FIRST = 100  # the largest page of any list field; a bigger `first` is read as this
UNPAGED_LIST_SIZE = queries.DEFAULT_PAGE_SIZE  # what a list without `first` counts for
CACHE_SIZE = 1024  # documents kept parsed, and validated, per process


class DocumentSizeLimit(SchemaExtension):
    """Refuses a document over :data:`MAX_DOCUMENT_BYTES` before it is parsed."""

    def on_operation(self) -> Any:
        size = len((self.execution_context.query or "").encode())
        if size > MAX_DOCUMENT_BYTES:
            raise GraphQLError(f"the document is {size} bytes; at most {MAX_DOCUMENT_BYTES} are accepted")
        yield


class DirectivesLimit(ValidationRule):
    """Refuses a document with more than :data:`MAX_DIRECTIVES` directives (``@include``, ``@skip`` …)."""

    def __init__(self, context: ValidationContext) -> None:
        super().__init__(context)
        self.count = 0

    def enter_directive(self, node: DirectiveNode, *_: Any) -> None:
        self.count += 1
        if self.count == MAX_DIRECTIVES + 1:
            self.report_error(GraphQLError(f"the document has more than {MAX_DIRECTIVES} directives", node))


class _Reach(NamedTuple):
    """Where a selection stands: how many records its parents can be, whether they are a page's
    own lists, and which fragments it is inside of (a cycle is another rule's to report)."""

    multiplier: int
    in_page: bool
    fragments: frozenset[str]


class NodeLimit(ValidationRule):
    """Refuses an operation that could read more than :data:`MAX_NODES` records.

    Every field that returns many records counts the records it can return, times those of the
    lists it is nested in: a field with ``first`` counts ``first`` (its default when absent, and
    :data:`MAX_FIRST` when it is a variable, whose value validation does not see); a list without
    ``first`` counts :data:`UNPAGED_LIST_SIZE`. A page's own lists (``nodes``, ``edges``, ``items``,
    ``facets``) are the records its ``first`` counted, so they count nothing more. Introspection
    reads the schema, not the database, and counts nothing (depth and tokens bound it)."""

    def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
        root = self.context.schema.get_root_type(node.operation)
        if root is None:
            return
        nodes = self._selections(root, node.selection_set, _Reach(multiplier=1, in_page=False, fragments=frozenset()))
        if nodes > MAX_NODES:
            message = f"the query could read up to {nodes} records; at most {MAX_NODES} are allowed"
            self.report_error(GraphQLError(message + " (ask for smaller pages, or nest fewer lists)", node))

    def _selections(self, parent: Any, selection_set: SelectionSetNode | None, reach: _Reach) -> int:
        total = 0
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                total += self._field(parent, selection, reach)
            elif isinstance(selection, InlineFragmentNode):
                kind = type_from_ast(self.context.schema, selection.type_condition) if selection.type_condition else parent
                total += self._selections(kind, selection.selection_set, reach)
            elif isinstance(selection, FragmentSpreadNode) and selection.name.value not in reach.fragments:
                fragment = self.context.get_fragment(selection.name.value)
                if fragment is not None:  # an unknown fragment: another rule reports it
                    kind = type_from_ast(self.context.schema, fragment.type_condition)
                    seen = reach._replace(fragments=reach.fragments | {selection.name.value})
                    total += self._selections(kind, fragment.selection_set, seen)
        return total

    def _field(self, parent: Any, node: FieldNode, reach: _Reach) -> int:
        if node.name.value.startswith("__") or not isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
            return 0
        definition = parent.fields.get(node.name.value)
        if definition is None:
            return 0  # an unknown field: another rule reports it
        is_page = "first" in definition.args
        if is_page:
            size, counted = _first(definition, node), True
        elif is_list_type(get_nullable_type(definition.type)):  # type: ignore[arg-type]
            size, counted = (1, False) if reach.in_page else (UNPAGED_LIST_SIZE, True)
        else:
            size, counted = 1, False
        inner = reach._replace(multiplier=reach.multiplier * size, in_page=is_page)
        return (inner.multiplier if counted else 0) + self._selections(get_named_type(definition.type), node.selection_set, inner)


def _first(definition: GraphQLField, node: FieldNode) -> int:
    """The page size ``node`` asks of ``definition``, as its resolver will read it."""
    argument = next((argument for argument in node.arguments or () if argument.name.value == "first"), None)
    if argument is None:
        default = definition.args["first"].default_value
        return min(default, MAX_FIRST) if isinstance(default, int) else UNPAGED_LIST_SIZE
    if isinstance(argument.value, IntValueNode):
        return max(0, min(int(argument.value.value), MAX_FIRST))
    return MAX_FIRST


# Built once: see the module's docstring.
_RULES: list[type[ValidationRule]] = [
    query_depth_limiter.create_validator(MAX_DEPTH, should_ignore=None),
    max_aliases.create_validator(MAX_ALIASES),
    DirectivesLimit,
    NodeLimit,
]


class DocumentRules(AddValidationRules):
    """Depth, aliases, directives and nodes, as validation rules."""

    def __init__(self) -> None:
        super().__init__(_RULES)


def limit_extensions() -> list[Callable[[], SchemaExtension]]:
    """The schema extensions that enforce every limit, in the order they must run: size before
    parsing, tokens while parsing, the rules while validating."""
    return [DocumentSizeLimit, lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS), DocumentRules]
