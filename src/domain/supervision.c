/*
 * supervision.c - workbench, transfer boxes and supervision views. See supervision.h.
 */
#include "domain/authz.h"
#include "domain/supervision.h"

#include "domain/legal.h"
#include "domain/matter.h"
#include "domain/org.h"

#include <string.h>

static int reply(json_t **out, json_t *v)
{
	*out = v;
	return v ? OK : E_NOMEM;
}

json_t *transfer_json(const store_transfer *t)
{
	const org_unit *to = org_unit_find(t->to_unit_id), *from = org_unit_find(t->from_unit_id);
	char today[11];
	legal_today(today);
	return json_pack("{s:I,s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s?,s:s?,s:b,s:b}", "id", (json_int_t)t->id,
	                 "matter_id", (json_int_t)t->matter_id, "action", t->action, "to_stage", t->to_stage,
	                 "from_unit_id", t->from_unit_id, "from_unit_name", from ? from->name : "", "to_unit_id",
	                 t->to_unit_id, "to_unit_name", to ? to->name : "", "status", t->status, "sent_at", t->sent_at,
	                 "accept_due_on", t->accept_due_on, "reason", t->reason, "answered_at", t->answered_at, "green",
	                 t->green, "overdue", !strcmp(t->status, "sent") && strcmp(t->accept_due_on, today) < 0);
}

int transfer_list(store *db, const principal *who, const char *box, const char *status, int64_t page, arena *a,
                  json_t **out, err *e)
{
	int rc;
	if (box && strcmp(box, "inbox") && strcmp(box, "outbox"))
		return err_set(e, E_INVALID, "box", "box 应为 inbox（待我签收）或 outbox（我发出的）");
	if (status && *status && strcmp(status, "sent") && strcmp(status, "accepted") && strcmp(status, "returned") &&
	    strcmp(status, "withdrawn"))
		return err_set(e, E_INVALID, "status", "status 应为 sent、accepted、returned 或 withdrawn");
	store_transfer_query q = { .status = status && *status ? status : NULL,
		                   .limit = 50,
		                   .offset = (int)((page - 1) * 50) };
	if (box && !strcmp(box, "outbox"))
		q.from_unit_id = who->unit_id;
	else
		q.to_unit_id = who->unit_id;
	store_transfer *v;
	size_t n;
	int64_t total;
	if ((rc = store_transfer_list(db, &q, a, &v, &n, &total, e)))
		return rc;
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < n; i++)
		json_array_append_new(arr, transfer_json(&v[i]));
	return reply(out, json_pack("{s:o,s:I}", "transfers", arr, "total", (json_int_t)total));
}

int workbench_view(store *db, const principal *who, arena *a, json_t **out, err *e)
{
	store_transfer_query tq = { .to_unit_id = who->unit_id, .status = "sent", .limit = 100 };
	store_transfer *tv;
	size_t tn;
	int64_t ttotal;
	int rc = store_transfer_list(db, &tq, a, &tv, &tn, &ttotal, e);
	if (rc)
		return rc;
	json_t *inbox = json_array();
	for (size_t i = 0; inbox && i < tn; i++) {
		json_t *t = transfer_json(&tv[i]);
		store_matter m;
		char today[11];
		legal_today(today);
		if (store_matter_get(db, tv[i].matter_id, a, &m, NULL) == OK)
			json_object_set_new(t, "matter", matter_row_json(&m, today));
		json_array_append_new(inbox, t);
	}
	store_matter_query mq = { .holder_unit_id = who->unit_id, .status = "open", .order_urgency = 1, .limit = 100 };
	json_t *mine;
	if ((rc = matter_search(db, who, &mq, a, &mine, e))) {
		json_decref(inbox);
		return rc;
	}
	store_transfer_query oq = { .from_unit_id = who->unit_id, .status = "sent", .limit = 100 };
	if ((rc = store_transfer_list(db, &oq, a, &tv, &tn, &ttotal, e))) {
		json_decref(inbox);
		json_decref(mine);
		return rc;
	}
	json_t *outbox = json_array();
	for (size_t i = 0; outbox && i < tn; i++)
		json_array_append_new(outbox, transfer_json(&tv[i]));
	const org_unit *u = org_unit_find(who->unit_id);
	return reply(out, json_pack("{s:{s:s,s:s},s:o,s:o,s:o}", "unit", "id", who->unit_id, "name", u ? u->name : "",
	                            "transfers_to_accept", inbox, "my_matters", mine, "transfers_sent", outbox));
}

/* ---- supervision ---- */
static const char *const metrics[] = { "overdue", "due_soon", "unanswered_transfers", "returned_twice",
	                               "green_misses" };

int supervision_view(store *db, const principal *who, const char *area, arena *a, json_t **out, err *e)
{
	const org_unit *mine = org_unit_find(who->unit_id);
	if (!mine)
		return authz_refuse_msg(who, PERM_SUPERVISE, "no_unit", e, NULL, "无权执行此操作");
	if (!area || !*area)
		area = mine->area_code;
	const org_area *ar = org_area_find(area);
	if (!ar)
		return err_set(e, E_INVALID, "area", "区划代码 %s 不存在", area);
	authz_scope sc = { .area_code = area };
	if (!org_area_within(area, mine->area_code))
		return authz_refuse_msg(who, PERM_SUPERVISE, "outside_area", e, "area", "只能查看本辖区（%s）及下级",
		                        org_area_find(mine->area_code)->name);
	(void)sc;
	const char *group = ar->level == LEVEL_PROVINCE ? "league" : ar->level == LEVEL_PREFECTURE ? "area" : "unit";
	char today[11], soon[11];
	legal_today(today);
	cal_date t = legal_today_date();
	legal_format(cal_date_add_days(t, 3), soon);
	store_supervision_row *rows;
	size_t n;
	int rc = store_supervision_counts(db, group, ar->level == LEVEL_PROVINCE ? NULL : area, today, soon, a, &rows,
	                                  &n, e);
	if (rc)
		return rc;
	/* every child (area or unit) gets a row, also with zeros */
	json_t *rowsj = json_array(),
	       *totals = json_pack("{s:I,s:I,s:I,s:I,s:I,s:I}", "open", 0, "overdue", 0, "due_soon", 0,
	                           "unanswered_transfers", 0, "returned_twice", 0, "green_misses", 0);
	org_area *areas;
	org_unit *units;
	size_t na = 0, nu = 0;
	if (!strcmp(group, "unit")) {
		if ((rc = org_unit_list(area, NULL, 0, a, &units, &nu, e)))
			return rc;
	} else if ((rc = org_area_list(a, &areas, &na, e))) {
		return rc;
	}
	size_t count = !strcmp(group, "unit") ? nu : na;
	/* rows: the children, then the area's own level (本级: units of the league or region itself) */
	for (size_t i = 0; i <= count; i++) {
		const char *code, *name;
		if (i == count) {
			if (!strcmp(group, "unit"))
				break;
			code = area;
			name = "本级";
		} else if (!strcmp(group, "unit")) {
			code = units[i].id;
			name = units[i].name;
		} else {
			if (strcmp(areas[i].parent_code, area))
				continue;
			code = areas[i].code;
			name = areas[i].name;
		}
		store_supervision_row z = { 0 };
		const store_supervision_row *row = &z;
		for (size_t k = 0; k < n; k++)
			if (rows[k].group && !strcmp(rows[k].group, code))
				row = &rows[k];
		int64_t vals[6] = { row->open,           row->overdue,     row->due_soon, row->unanswered_transfers,
			            row->returned_twice, row->green_misses };
		const char *keys[6] = { "open",           "overdue",     "due_soon", "unanswered_transfers",
			                "returned_twice", "green_misses" };
		json_t *j = json_pack("{s:s,s:s,s:s}", group[0] == 'u' ? "unit_id" : "area_code", code,
		                      group[0] == 'u' ? "unit_name" : "area_name", name, "level", group);
		for (int k = 0; k < 6; k++) {
			json_object_set_new(j, keys[k], json_integer(vals[k]));
			json_object_set_new(
			        totals, keys[k],
			        json_integer(json_integer_value(json_object_get(totals, keys[k])) + vals[k]));
		}
		json_array_append_new(rowsj, j);
	}
	/* the region's own units hold matters too: counted in totals via their own rows at unit level */
	return reply(out,
	             json_pack("{s:{s:s,s:s,s:s},s:s,s:o,s:o,s:s}", "area", "code", ar->code, "name", ar->name, "level",
	                       group, "today", today, "rows", rowsj, "totals", totals, "group_by", group));
}

int supervision_list(store *db, const principal *who, const char *area, const char *metric, const char *unit,
                     int64_t page, arena *a, json_t **out, err *e)
{
	const org_unit *mine = org_unit_find(who->unit_id);
	int rc;
	if (!mine)
		return authz_refuse_msg(who, PERM_SUPERVISE, "no_unit", e, NULL, "无权执行此操作");
	if (!area || !*area)
		area = mine->area_code;
	if (!org_area_find(area))
		return err_set(e, E_INVALID, "area", "区划代码 %s 不存在", area);
	if (!org_area_within(area, mine->area_code))
		return authz_refuse_msg(who, PERM_SUPERVISE, "outside_area", e, "area", "只能查看本辖区及下级");
	size_t mi = 0;
	while (metric && mi < 5 && strcmp(metrics[mi], metric))
		mi++;
	if (!metric || mi == 5)
		return err_set(e, E_INVALID, "metric",
		               "metric 应为 overdue、due_soon、unanswered_transfers、returned_twice 或 green_misses");
	char today[11], soon[11];
	legal_today(today);
	legal_format(cal_date_add_days(legal_today_date(), 3), soon);
	if (mi == 2) {
		store_transfer_query q = { .status = "sent",
			                   .area_code = area,
			                   .due_before = today,
			                   .to_unit_id = unit && *unit ? unit : NULL,
			                   .limit = 50,
			                   .offset = (int)((page - 1) * 50) };
		store_transfer *v;
		size_t n;
		int64_t total;
		if ((rc = store_transfer_list(db, &q, a, &v, &n, &total, e)))
			return rc;
		json_t *arr = json_array();
		for (size_t i = 0; arr && i < n; i++)
			json_array_append_new(arr, transfer_json(&v[i]));
		return reply(out, json_pack("{s:s,s:o,s:I}", "metric", metric, "transfers", arr, "total",
		                            (json_int_t)total));
	}
	store_matter_query q = { .status = "open",
		                 .area_code = area,
		                 .holder_unit_id = unit && *unit ? unit : NULL,
		                 .order_urgency = 1,
		                 .limit = 50,
		                 .offset = (int)((page - 1) * 50) };
	if (mi == 0)
		q.due_before = today;
	else if (mi == 1) {
		q.due_from = today;
		q.due_to = soon;
	} else if (mi == 3) {
		q.returned_twice = 1;
	} else if (mi == 4) {
		q.due_before = today;
		q.green_only = 1;
	}
	json_t *v;
	if ((rc = matter_search(db, who, &q, a, &v, e)))
		return rc;
	json_object_set_new(v, "metric", json_string(metric));
	return reply(out, v);
}
