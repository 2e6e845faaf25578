from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """{{ counts|get_item:node.pk }}"""
    if mapping is None:
        return None
    return mapping.get(key)
