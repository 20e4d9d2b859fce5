import { expect, inject, it } from "vitest";
it("page is quiet after the alertmanager test", async () => {
  const s = (await (await fetch(`${inject("baseUrl")}/api/v2/summary.json`)).json()) as any;
  console.log("INCIDENTS", JSON.stringify(s.incidents.map((i: any) => [i.name, i.status])));
  expect(s.incidents).toEqual([]);
});
