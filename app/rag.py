"""The five-level RAG rating and the programme's methodology, as adopted at the request of the
Independent Improvement Board (the definitions are the seed report's wording)."""
import dataclasses
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


@dataclasses.dataclass(frozen=True)
class RagColours:
    """The colours that reinforce a written rating (never replace it). Dark text on a light tint keeps every
    pair above 4.5:1 contrast."""

    text: str
    # The tag's background, and the Word pack's cell shading.
    tint: str
    # The tag's left border, and the trend chart's marker.
    mark: str
    # The trend chart's background band for the level (the chart has no band for "no rating").
    band: str | None = None


# The one palette: the SCSS (static/scss/components/_rag_palette.scss, written from it by `make assets`),
# the print stylesheet of the PDF pack, the trend chart and the Word pack all take their colours from here.
# `None` is the colour of "no rating".
RAG_PALETTE: dict["RAG | None", RagColours] = {
    RAG.GREEN: RagColours(text="#005a30", tint="#cce2d8", mark="#00703c", band="#e6f1ec"),
    RAG.GREEN_AMBER: RagColours(text="#3d4b00", tint="#e4eec2", mark="#85994b", band="#f2f7e1"),
    RAG.AMBER: RagColours(text="#6e3619", tint="#fcd6c3", mark="#f47738", band="#feebe1"),
    RAG.AMBER_RED: RagColours(text="#6f2409", tint="#f9c5b0", mark="#d4351c", band="#fce2d8"),
    RAG.RED: RagColours(text="#2a0b06", tint="#f4cdc6", mark="#942514", band="#fae6e3"),
    None: RagColours(text="#383f43", tint="#e5e6e7", mark="#b1b4b6"),
}


def rag_tag_css() -> str:
    """The rating tags' colour rules (.wm-rag--green and so on), for the screen and the print stylesheets."""
    return "".join(
        f".wm-rag--{rag.css_modifier if rag else 'none'} "
        f"{{ color: {colours.text}; background: {colours.tint}; border-color: {colours.mark}; }}\n"
        for rag, colours in RAG_PALETTE.items()
    )


RAG_METHODOLOGY_INTRO = (
    "The Independent Improvement Board have requested implementation of 'Rag Rating' to report progress against "
    "identified areas of activity. It is proposed that this will be used from now on for Improvement reports to all "
    "Boards and Committees to ensure a consistent approach. We have used our learning from the first phase of "
    "improvement and sought best practice to inform our future approach.\n\nSet out below is the methodology adopted."
)


if __name__ == "__main__":
    # `python -m app.rag` prints the SCSS partial that `make assets` writes.
    print("// Written by `make assets` from app/rag.py's RAG_PALETTE: change the colours there.")
    print(rag_tag_css(), end="")
