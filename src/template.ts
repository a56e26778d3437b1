/** Fills `{{NAME}}` placeholders of a WGSL template; every placeholder must be given. */
export function fillTemplate(template: string, values: Readonly<Record<string, string | number>>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
    const v = values[key];
    if (v === undefined) throw new Error(`WGSL template placeholder {{${key}}} has no value`);
    return String(v);
  });
}
