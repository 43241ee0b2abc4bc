"""SHACL Core validation of the whole data graph at once, over pyoxigraph terms.

Stage: validate. Imports `collector`, `rdfterms` and `vocab`; reads the shapes as an rdflib graph (small) and
never turns the data into rdflib. Its modules: `model` (the data index, compiled shapes, results, conformance),
`compiler` (shapes into checks) and `engine` (the checks over the data).
The data are indexed once (values by predicate and subject, types and subclasses); then every shape with targets
is checked for all its focus nodes, one constraint component after the other. The results are those pySHACL gives
for the same data and shapes (with `allow_warnings`): the same focus nodes, paths, values, source shapes,
components, severities and messages; tests/test_shacl_engine.py holds the two engines to that.

Implemented: targets sh:targetClass (with rdfs:subClassOf*), implicit class targets, sh:targetNode,
sh:targetSubjectsOf, sh:targetObjectsOf; paths that are IRIs, inverse IRIs or sequences of those; the components
minCount, maxCount, class, datatype, nodeKind, languageIn, uniqueLang, in, pattern (with flags), min/max
Inclusive/Exclusive, or, and, xone, not, qualifiedValueShape with qualifiedMin/MaxCount; sh:property, sh:severity,
sh:message, sh:deactivated. A shape using anything else (another component such as sh:node or sh:minLength,
another path form, a nested shape with sh:property, a shape without sh:message whose results would need
pySHACL's generated texts) is listed in `Plan.unsupported` with the reason, and the caller hands it to pySHACL.
With a `CoreMemory` of the last check, a check again after an edit looks only at the focus nodes whose checks read
a node of a changed triple (or that became targets); the others keep their results.
"""

from .compiler import plan, target_shapes
from .engine import CoreMemory, focus_nodes, validate
from .model import TARGETS, DataIndex, Plan, Result, Shape, Unsupported, conforms

__all__ = [
    "TARGETS",
    "CoreMemory",
    "DataIndex",
    "Plan",
    "Result",
    "Shape",
    "Unsupported",
    "conforms",
    "focus_nodes",
    "plan",
    "target_shapes",
    "validate",
]
