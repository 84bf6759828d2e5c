import { describe, expect, it } from "vitest";
import {
  type ContentData,
  ContentTemplate,
  type ContentTemplateResponse,
  ContentTemplateVariable,
  parseVariant,
} from "../../../src/conversations/content-template.js";

const variants = {
  "twilio/text": { body: "Hi {{1}}" },
  "twilio/media": { body: "See", media: ["https://example.com/a.png"] },
  "twilio/location": { longitude: 2.35, latitude: 48.85, label: "Paris" },
  "twilio/quick-reply": { body: "Pick one", actions: [{ title: "Yes", id: "y" }, { title: "No" }] },
  "twilio/call-to-action": {
    body: "Call or visit",
    actions: [
      { type: "URL", title: "Site", url: "https://example.com" },
      { type: "PHONE_NUMBER", title: "Call", phone: "+15550100" },
      { type: "QUICK_REPLY", title: "Later", id: "later", index: 2 },
      { type: "COPY_CODE", title: "Code", code: "X1" },
    ],
  },
  "twilio/list-picker": {
    body: "Menu",
    button: "Open",
    items: [{ id: "1", item: "Tea", description: "Hot" }, { id: "2", item: "Juice" }],
  },
  "twilio/card": { title: "Card", subtitle: "Sub", actions: [{ type: "URL", title: "Go", url: "https://example.com/go" }] },
};

const response: ContentTemplateResponse = {
  sid: "HX00000000000000000000000000000001",
  account_sid: "AC00000000000000000000000000000001",
  friendly_name: "welcome",
  variables: JSON.stringify({ 1: "name", 2: "city" }),
  variants,
  date_created: "2024-01-02T03:04:05Z",
  date_updated: "2024-02-03T04:05:06Z",
};

describe("ContentTemplateVariable", () => {
  it("holds a name and a value", () => {
    const variable = new ContentTemplateVariable("1", "Ada");
    expect(variable).toBeInstanceOf(ContentTemplateVariable);
    expect([variable.name, variable.value]).toEqual(["1", "Ada"]);
  });

  it("copyWithValue returns a new variable with the same name and leaves the original alone", () => {
    const variable = new ContentTemplateVariable("1", "Ada");
    const copy = variable.copyWithValue("Grace");
    expect(copy).toBeInstanceOf(ContentTemplateVariable);
    expect(copy).not.toBe(variable);
    expect([copy.name, copy.value]).toEqual(["1", "Grace"]);
    expect(variable.value).toBe("Ada");
  });
});

describe("ContentTemplate", () => {
  const template = new ContentTemplate(response);

  it("maps sid, friendly name and dates", () => {
    expect(template).toBeInstanceOf(ContentTemplate);
    expect(template.sid).toBe("HX00000000000000000000000000000001");
    expect(template.friendlyName).toBe("welcome");
    expect(template.dateCreated).toEqual(new Date("2024-01-02T03:04:05Z"));
    expect(template.dateUpdated).toEqual(new Date("2024-02-03T04:05:06Z"));
  });

  it("parses the variables JSON into ContentTemplateVariables", () => {
    expect(template.variables.every((variable) => variable instanceof ContentTemplateVariable)).toBe(true);
    expect(template.variables.map((variable) => [variable.name, variable.value])).toEqual([
      ["1", "name"],
      ["2", "city"],
    ]);
  });

  it("has no variables when the variables text is not a JSON object", () => {
    expect(new ContentTemplate({ ...response, variables: "not json" }).variables).toEqual([]);
    expect(new ContentTemplate({ ...response, variables: "[1]" }).variables).toEqual([]);
  });

  it("converts every variant by content type", () => {
    const raw = (key: keyof typeof variants): string => JSON.stringify(variants[key]);
    const expected: [string, ContentData][] = [
      ["twilio/text", { type: "text", body: "Hi {{1}}", rawData: raw("twilio/text") }],
      ["twilio/media", { type: "media", body: "See", media: ["https://example.com/a.png"], rawData: raw("twilio/media") }],
      ["twilio/location", { type: "location", longitude: 2.35, latitude: 48.85, label: "Paris", rawData: raw("twilio/location") }],
      [
        "twilio/quick-reply",
        { type: "quickReply", body: "Pick one", replies: [{ title: "Yes", id: "y" }, { title: "No" }], rawData: raw("twilio/quick-reply") },
      ],
      [
        "twilio/call-to-action",
        {
          type: "callToAction",
          body: "Call or visit",
          actions: [
            { type: "url", title: "Site", url: "https://example.com", rawData: JSON.stringify(variants["twilio/call-to-action"].actions[0]) },
            { type: "phone", title: "Call", phone: "+15550100", rawData: JSON.stringify(variants["twilio/call-to-action"].actions[1]) },
            { type: "reply", title: "Later", id: "later", index: 2, rawData: JSON.stringify(variants["twilio/call-to-action"].actions[2]) },
            { type: "other", rawData: JSON.stringify(variants["twilio/call-to-action"].actions[3]) },
          ],
          rawData: raw("twilio/call-to-action"),
        },
      ],
      [
        "twilio/list-picker",
        {
          type: "listPicker",
          body: "Menu",
          button: "Open",
          items: [{ id: "1", item: "Tea", description: "Hot" }, { id: "2", item: "Juice" }],
          rawData: raw("twilio/list-picker"),
        },
      ],
      [
        "twilio/card",
        {
          type: "card",
          title: "Card",
          subtitle: "Sub",
          media: [],
          actions: [{ type: "url", title: "Go", url: "https://example.com/go", rawData: JSON.stringify(variants["twilio/card"].actions[0]) }],
          rawData: raw("twilio/card"),
        },
      ],
    ];
    expect([...template.variants.entries()]).toStrictEqual(expected);
  });
});

describe("parseVariant", () => {
  it("makes an unknown content type other, with the variant as rawData", () => {
    const data = { catalog: { id: "c1" } };
    expect(parseVariant("twilio/catalog", data)).toStrictEqual({ type: "other", rawData: JSON.stringify(data) });
  });

  it.each([
    ["twilio/text", { text: "no body" }],
    ["twilio/media", { body: "no media list" }],
    ["twilio/location", { longitude: "2.35", latitude: 48.85 }],
    ["twilio/quick-reply", { body: "x", actions: [{ id: "no title" }] }],
    ["twilio/list-picker", { body: "x", button: "b", items: [{ id: 1, item: "x" }] }],
    ["twilio/card", { subtitle: "no title" }],
    ["twilio/text", null],
  ])("makes a malformed %s variant other", (type, data) => {
    expect(parseVariant(type, data)).toStrictEqual({ type: "other", rawData: JSON.stringify(data) });
  });

  it("fills Twilio's defaults for actions without id, index, phone or url", () => {
    const variant = parseVariant("twilio/call-to-action", {
      body: "b",
      actions: [
        { type: "QUICK_REPLY", title: "r" },
        { type: "PHONE_NUMBER", title: "p" },
        { type: "URL", title: "u" },
      ],
    });
    expect(variant.type === "callToAction" && variant.actions.map(({ rawData: _raw, ...action }) => action)).toEqual([
      { type: "reply", title: "r", id: "", index: 0 },
      { type: "phone", title: "p", phone: "" },
      { type: "url", title: "u", url: "" },
    ]);
  });

  it("omits absent optional fields instead of setting them undefined", () => {
    const media = parseVariant("twilio/media", { media: ["u"] });
    expect(Object.keys(media)).toEqual(["type", "media", "rawData"]);
    const card = parseVariant("twilio/card", { title: "t", media: ["m"] });
    expect(card).toStrictEqual({ type: "card", title: "t", media: ["m"], actions: [], rawData: JSON.stringify({ title: "t", media: ["m"] }) });
  });
});
