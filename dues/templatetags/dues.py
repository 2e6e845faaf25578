from django import template

from dues.rules import fen_to_yuan

register = template.Library()


@register.filter
def yuan(fen) -> str:
    """Integer fen as yuan with two places (8100 → 81.00); empty for None."""
    return "" if fen is None else fen_to_yuan(int(fen))
