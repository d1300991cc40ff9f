from rest_framework import pagination, serializers


class PageNumberPagination(pagination.PageNumberPagination):
    """`page` and `page_size` (1 to 100), as API.md promises.

    A `page_size` that is not a whole number in range is refused with 400,
    as the schema says, instead of quietly falling back to the default.
    """

    page_size_query_param = "page_size"
    max_page_size = 100

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        field = serializers.IntegerField(min_value=1, max_value=self.max_page_size)
        try:
            return field.run_validation(raw)
        except serializers.ValidationError as exc:
            raise serializers.ValidationError(
                {self.page_size_query_param: exc.detail}
            ) from exc

    def get_paginated_response_schema(self, schema):
        paginated = super().get_paginated_response_schema(schema)
        # All four are always there; next and previous may be null.
        paginated["required"] = ["count", "next", "previous", "results"]
        return paginated

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_page_size)
            elif parameter["name"] == self.page_query_param:
                parameter["schema"].update(minimum=1)
        return parameters
