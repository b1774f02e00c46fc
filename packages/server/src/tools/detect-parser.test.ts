import { ChatTemplate } from "@pagoda/model-loaders";
import { describe, expect, it } from "vitest";
import { detectTemplateToolParser } from "./detect-parser.js";

// Short templates written for these tests, each shaped like its family's real one in what
// detection looks at (markers, roles, the checks that make a probe fail).
const tokens = { bos_token: "<s>", eos_token: "</s>" };

const llama31 = `{{ bos_token }}<|start_header_id|>system<|end_header_id|>

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

// Llama 3.0: no tool support at all.
const llama30 = `{% for m in messages %}<|start_header_id|>{{ m.role }}<|end_header_id|>

{{ m.content }}<|eot_id|>{% endfor %}`;

const mistral = `{{ bos_token }}
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

const hermes = `{% if tools %}<|im_start|>system
<tools>{% for t in tools %}{{ t | tojson }}{% endfor %}</tools>
Call a function as <tool_call>{"name": ..., "arguments": ...}</tool_call><|im_end|>
{% endif %}{% for m in messages %}<|im_start|>{{ m.role }}
{{ m.content }}<|im_end|>
{% endfor %}`;

const detect = (source: string) => detectTemplateToolParser(new ChatTemplate(source, tokens));

describe("detectTemplateToolParser", () => {
  it("Llama 3.1-style templates are llama3_json (Environment: ipython, the ipython role)", () => {
    expect(detect(llama31)).toBe("llama3_json");
    const builtinOnly = llama31.replace("Environment: ipython", "<|python_tag|>");
    expect(detect(builtinOnly)).toBe("llama3_json");
  });

  it("Mistral-style templates are mistral, their 9-character call ids satisfied by the probe", () => {
    expect(detect(mistral)).toBe("mistral");
  });

  it("hermes-style templates stay hermes", () => {
    expect(detect(hermes)).toBe("hermes");
  });

  it("nothing when the template shows no tools, several families' markers, or fails on the probe", () => {
    expect(detect(llama30)).toBeNull();
    expect(detect(`${hermes}[TOOL_CALLS]`)).toBeNull();
    expect(detect(`{{ raise_exception("no tools here") }}`)).toBeNull();
  });
});
