"""The five-level RAG rating and the programme's methodology, as adopted at the request of the
Independent Improvement Board (the definitions are the seed report's wording)."""
import enum


class RAG(enum.Enum):
    """Ratings in order from best to worst; `severity` compares them."""

    GREEN = "Green"
    GREEN_AMBER = "Green/Amber"
    AMBER = "Amber"
    AMBER_RED = "Amber/Red"
    RED = "Red"

    @property
    def label(self) -> str:
        return self.value

    @property
    def definition(self) -> str:
        return RAG_DEFINITIONS[self]

    @property
    def severity(self) -> int:
        """0 for Green up to 4 for Red."""
        return list(RAG).index(self)

    @property
    def css_modifier(self) -> str:
        return self.name.lower().replace("_", "-")

    def is_worse_than(self, other: "RAG") -> bool:
        return self.severity > other.severity

    @classmethod
    def named(cls, name: object) -> "RAG | None":
        """The rating a stored or posted name stands for ("GREEN_AMBER"); a rating stands for itself; None
        for an empty name or anything else a request may carry. The one way text becomes a rating."""
        if isinstance(name, cls):
            return name
        return cls.__members__.get(name) if isinstance(name, str) else None


RAG_DEFINITIONS = {
    RAG.GREEN: (
        "Successful delivery of the improvement theme to time, cost and quality appears to be highly likely."
    ),
    RAG.GREEN_AMBER: (
        "Successful delivery of the improvement theme within timescale appears probable. However, constant "
        "attention will be needed to ensure risks do not materialise into issues threatening delivery."
    ),
    RAG.AMBER: (
        "Successful delivery of the improvement theme appears feasible, but issues exist requiring attention. "
        "These appear resolvable at this stage, and if addressed properly, should not represent a schedule overrun."
    ),
    RAG.AMBER_RED: (
        "Successful delivery of the improvement theme is in doubt with major risks or issues apparent some key "
        "areas. Action is underway to ensure these are addressed and establish whether resolution is feasible."
    ),
    RAG.RED: (
        "Successful delivery of the improvement theme within the agreed timescale and/or budget is unachievable "
        "as issues have been identified which officers conclude are at present not manageable or resolvable. "
        "The theme will therefore need re-profiling."
    ),
}


RAG_METHODOLOGY_INTRO = (
    "The Independent Improvement Board have requested implementation of 'Rag Rating' to report progress against "
    "identified areas of activity. It is proposed that this will be used from now on for Improvement reports to all "
    "Boards and Committees to ensure a consistent approach. We have used our learning from the first phase of "
    "improvement and sought best practice to inform our future approach.\n\nSet out below is the methodology adopted."
)
