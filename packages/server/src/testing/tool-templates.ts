// Test helper: short chat templates written for the tests, each shaped like its family's real
// one in what tool-call detection and rendering look at (markers, roles, the checks that make a
// probe fail).

/** Special tokens the templates refer to. */
export const TEMPLATE_TOKENS = { bos_token: "<s>", eos_token: "</s>" };

/** Shaped like Llama 3.1's template: "Environment: ipython", calls as {name, parameters}, results in an ipython turn. */
export const LLAMA31_TEMPLATE = `{{ bos_token }}<|start_header_id|>system<|end_header_id|>

{% if tools is not none %}Environment: ipython
{% endif %}You are helpful.<|eot_id|>
{%- for m in messages %}
{%- if m.role == 'tool' %}<|start_header_id|>ipython<|end_header_id|>

{{ m.content }}<|eot_id|>
{%- elif m.tool_calls is defined %}<|start_header_id|>assistant<|end_header_id|>

{"name": "{{ m.tool_calls[0].function.name }}", "parameters": {{ m.tool_calls[0].function.arguments | tojson }}}<|eom_id|>
{%- else %}<|start_header_id|>{{ m.role }}<|end_header_id|>

{{ m.content }}<|eot_id|>
{%- endif %}
{%- endfor %}
{%- if add_generation_prompt %}<|start_header_id|>assistant<|end_header_id|>

{% endif %}`;

/** Shaped like Llama 3.0's: no tool support at all. */
export const LLAMA30_TEMPLATE = `{% for m in messages %}<|start_header_id|>{{ m.role }}<|end_header_id|>

{{ m.content }}<|eot_id|>{% endfor %}`;

/** Shaped like Mistral v3's: [AVAILABLE_TOOLS], [TOOL_CALLS] lists, [TOOL_RESULTS], and 9-character call ids or an error. */
export const MISTRAL_TEMPLATE = `{{ bos_token }}
{%- for m in messages %}
{%- if m.role == 'user' %}{% if tools is not none %}[AVAILABLE_TOOLS] {{ tools | tojson }}[/AVAILABLE_TOOLS]{% endif %}[INST] {{ m.content }}[/INST]
{%- elif m.tool_calls is defined %}[TOOL_CALLS] [
{%- for c in m.tool_calls %}
{%- if c.id | length != 9 %}{{ raise_exception("Tool call IDs should be 9 alphanumerics") }}{% endif %}
{"name": "{{ c.function.name }}", "arguments": {{ c.function.arguments | tojson }}, "id": "{{ c.id }}"}
{%- endfor %}]{{ eos_token }}
{%- elif m.role == 'tool' %}
{%- if m.tool_call_id | length != 9 %}{{ raise_exception("Tool call IDs should be 9 alphanumerics") }}{% endif %}[TOOL_RESULTS] {"content": {{ m.content | tojson }}, "call_id": "{{ m.tool_call_id }}"}[/TOOL_RESULTS]
{%- else %}{{ m.content }}{{ eos_token }}
{%- endif %}
{%- endfor %}`;

/** Shaped like Hermes / Qwen's: tools in the system turn, calls in <tool_call>. */
export const HERMES_TEMPLATE = `{% if tools %}<|im_start|>system
<tools>{% for t in tools %}{{ t | tojson }}{% endfor %}</tools>
Call a function as <tool_call>{"name": ..., "arguments": ...}</tool_call><|im_end|>
{% endif %}{% for m in messages %}<|im_start|>{{ m.role }}
{{ m.content }}<|im_end|>
{% endfor %}`;
